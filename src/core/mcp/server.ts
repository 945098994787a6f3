import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import {
  AgentTools,
  DEFAULT_OUTLINE_BUDGET,
  DEFAULT_TOOL_BUDGET,
  MAX_TOOL_BUDGET,
  MIN_TOOL_BUDGET,
  type ToolResult,
  type ToolWorkspace,
} from "../agent-tools/agent-tools";
import { TOOL_DESCRIPTIONS } from "../agent-tools/descriptions";

const budget = (fallback: number) =>
  z
    .number()
    .int()
    .min(MIN_TOOL_BUDGET)
    .max(MAX_TOOL_BUDGET)
    .optional()
    .describe(`Token budget of the returned text (default ${fallback}).`);

/** Read-only, local, and the same answer for the same index: what MCP clients use to skip confirmations. */
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/**
 * Threadline's tools over MCP. The handlers only translate: arguments in
 * (validated by the schemas), `AgentTools` does the work, and its closed error
 * codes come back as MCP tool errors (`isError`) whose text starts with the code.
 */
export interface McpServerOptions {
  /**
   * How long a call waits for the first index build before answering from what is indexed so far:
   * on a small repository the complete answer is a moment away, on a huge one the partial answer is
   * better than a wait.
   */
  indexWaitMs?: number;
  /** Resolves when the first build is done (LiveWorkspace.ready). */
  built?: Promise<unknown>;
}

export const DEFAULT_INDEX_WAIT_MS = 3000;

export function createMcpServer(
  workspace: ToolWorkspace,
  version: string,
  options: McpServerOptions = {},
  tools = new AgentTools(workspace),
): McpServer {
  const waitMs = options.indexWaitMs ?? DEFAULT_INDEX_WAIT_MS;
  const indexed = async () => {
    if (!options.built || waitMs <= 0 || !workspace.progress()) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([options.built.catch(() => undefined), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  };
  const server = new McpServer(
    { name: "threadline", version },
    {
      instructions:
        "Threadline builds a ranked, token-budgeted context of this repository for a question, " +
        "with citation ids, and checks an answer's citations against what was sent. " +
        "Call threadline_context before answering a question about the code, cite its spans as [S<n>], " +
        "then call threadline_check_citations with the answer and the packageId.",
    },
  );
  server.registerTool(
    "threadline_context",
    {
      title: "Threadline: repository context",
      description: TOOL_DESCRIPTIONS.context,
      inputSchema: {
        question: z.string().min(1).describe("The question, in the user's words (error messages and names help)."),
        budget: budget(DEFAULT_TOOL_BUDGET),
        focusFiles: z
          .array(z.string())
          .max(50)
          .optional()
          .describe("Workspace paths the user is looking at; their code ranks higher."),
        encoding: z
          .enum(["o200k_base", "cl100k_base"])
          .optional()
          .describe("Tokenizer the budget is counted in (default o200k_base)."),
      },
      annotations: READ_ONLY,
    },
    async (args) => (await indexed(), reply(tools.context(args))),
  );
  server.registerTool(
    "threadline_explain",
    {
      title: "Threadline: explain across files",
      description: TOOL_DESCRIPTIONS.explain,
      inputSchema: {
        symbol: z.string().optional().describe("Function, method or class name, e.g. `checkout` or `Cart.total`."),
        path: z.string().optional().describe("Workspace path of a file; with `line`, the symbol defined there."),
        line: z.number().int().min(1).optional().describe("1-based line inside the symbol, with `path`."),
        budget: budget(DEFAULT_TOOL_BUDGET),
      },
      annotations: READ_ONLY,
    },
    async (args) => (await indexed(), reply(tools.explain(args))),
  );
  server.registerTool(
    "threadline_check_citations",
    {
      title: "Threadline: check citations",
      description: TOOL_DESCRIPTIONS.checkCitations,
      inputSchema: {
        answer: z.string().describe("The answer text, with its citations."),
        packageId: z.string().min(1).describe("The packageId that threadline_context or threadline_explain returned."),
      },
      annotations: READ_ONLY,
    },
    async (args) => reply(tools.checkCitations(args)),
  );
  server.registerTool(
    "threadline_outline",
    {
      title: "Threadline: outline",
      description: TOOL_DESCRIPTIONS.outline,
      inputSchema: {
        path: z.string().optional().describe("A folder or file (workspace path); the whole repository when absent."),
        depth: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("Folder levels to list below `path`; deeper files are counted."),
        budget: budget(DEFAULT_OUTLINE_BUDGET),
      },
      annotations: READ_ONLY,
    },
    async (args) => (await indexed(), reply(tools.outline(args))),
  );
  return server;
}

function reply(result: ToolResult): CallToolResult {
  if (!result.ok)
    return { isError: true, content: [{ type: "text", text: `${result.error.code}: ${result.error.message}` }] };
  return { content: [{ type: "text", text: result.value.text }], structuredContent: result.value.data };
}
