import * as fs from "node:fs";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { LiveWorkspace } from "../core/mcp/live-workspace";
import { DEFAULT_INDEX_WAIT_MS, createMcpServer } from "../core/mcp/server";
import { type CommandSpec, type ParsedArgs, UsageError, intFlag, stringFlag, synopsis } from "./args";
import { VERSION } from "./version";

export const mcpSpec: CommandSpec = {
  name: "mcp",
  summary:
    "Serves the repository to other agents over MCP (stdio): threadline_context, threadline_explain, " +
    "threadline_check_citations and threadline_outline. It indexes in the background and follows file changes.",
  flags: [
    { name: "repo", value: "<dir>", description: "The repository (required)." },
    { name: "cache", value: "<dir>", description: "Index cache folder.", default: "no cache" },
    {
      name: "index-wait",
      value: "<ms>",
      description: "How long a call waits for the first index build before answering from what is indexed so far.",
      default: String(DEFAULT_INDEX_WAIT_MS),
    },
  ],
};

/**
 * `threadline mcp`: an MCP server over stdio for one repository. stdout is the
 * protocol channel, so everything else (progress, updates) goes to stderr.
 * It runs until the client closes stdin.
 */
export async function runMcp(args: ParsedArgs): Promise<number> {
  const repo = stringFlag(args, "repo") ?? args.positionals[0];
  if (!repo) throw new UsageError(`--repo is required\nusage: ${synopsis(mcpSpec)}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const log = (message: string) => process.stderr.write(`threadline mcp: ${message}\n`);
  const indexWaitMs = intFlag(args, "index-wait", DEFAULT_INDEX_WAIT_MS);
  const workspace = new LiveWorkspace(repo, { cacheDir: stringFlag(args, "cache"), watch: true, log });
  workspace.ready.catch((e: unknown) => log(`indexing failed: ${String(e)}`));
  const server = createMcpServer(workspace, VERSION, { indexWaitMs, built: workspace.ready });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    process.stdin.on("end", resolve);
  });
  await server.connect(transport);
  log(`serving ${repo} over stdio`);
  await closed;
  await server.close().catch(() => undefined);
  await workspace.dispose();
  return 0;
}
