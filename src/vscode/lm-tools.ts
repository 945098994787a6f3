import * as vscode from "vscode";
import { AgentTools, type ToolResult } from "../core/agent-tools/agent-tools";
import { PackageStore } from "../core/agent-tools/package-store";
import type { ContextEngine } from "../core/context/context-engine";
import type { IndexService } from "./index-service";
import { LmTools } from "./ids";
import { UNTRUSTED_MESSAGE } from "./trust";

/**
 * The agent tools over the editor's index. One set of tools per context
 * engine (a rebuilt index gets a new engine); the packages they hand out live
 * in one store, so a citation check finds a package from before a rebuild.
 */
export class EditorAgentTools {
  private readonly packages = new PackageStore();
  private readonly byEngine = new WeakMap<ContextEngine, AgentTools>();

  constructor(private readonly indexService: IndexService) {}

  /** The tools, once the index is ready; undefined with no folder open. */
  async tools(): Promise<AgentTools | undefined> {
    const ready = await this.indexService.whenReady();
    if (!ready) return undefined;
    let tools = this.byEngine.get(ready.engine);
    if (!tools) {
      tools = new AgentTools({ engine: ready.engine, progress: () => undefined }, this.packages);
      this.byEngine.set(ready.engine, tools);
    }
    return tools;
  }
}

interface ContextInput {
  question: string;
  budget?: number;
  focusFiles?: string[];
  encoding?: string;
}

interface ExplainInput {
  symbol?: string;
  path?: string;
  line?: number;
  budget?: number;
}

/**
 * `threadline_context` and `threadline_explain` as VS Code language-model tools
 * (`#threadline` in Chat; agent mode calls them itself). They only read the
 * index, so by VS Code's convention they ask no confirmation: the invocation
 * message says what runs. A failure is thrown with its code, which VS Code hands
 * to the model as the tool's error.
 */
export function registerLanguageModelTools(tools: EditorAgentTools): vscode.Disposable[] {
  const run = async (call: (t: AgentTools) => ToolResult): Promise<vscode.LanguageModelToolResult> => {
    if (!vscode.workspace.isTrusted) throw new Error(`untrusted: ${UNTRUSTED_MESSAGE}`);
    const t = await tools.tools();
    if (!t) throw new Error("not_found: no folder is open; open one to ask about its code");
    const result = call(t);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(result.value.text)]);
  };
  return [
    vscode.lm.registerTool<ContextInput>(LmTools.context, {
      prepareInvocation: (options) => ({
        invocationMessage: `Building Threadline context for “${truncate(options.input.question)}”`,
      }),
      invoke: (options) => run((t) => t.context(options.input)),
    }),
    vscode.lm.registerTool<ExplainInput>(LmTools.explain, {
      prepareInvocation: (options) => ({
        invocationMessage: `Walking ${options.input.symbol ? `\`${truncate(options.input.symbol)}\`` : `${options.input.path}:${options.input.line}`} across files with Threadline`,
      }),
      invoke: (options) => run((t) => t.explain(options.input)),
    }),
  ];
}

function truncate(text: string | undefined, max = 60): string {
  const t = (text ?? "").replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
