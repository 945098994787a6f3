import { citationsOf } from "../citations";
import type { ContextEngine } from "../context/context-engine";
import { SYMBOL_NAME, explainPackage } from "../context/explain";
import type { ContextPackage, EditorFocus } from "../context/types";
import { err, ok, type Result } from "../result";
import { outlineOf } from "./outline";
import { PackageStore } from "./package-store";

/** The closed set of reasons a tool call fails; agents and tests branch on the code, never on the text. */
export type ToolErrorCode = "bad_arguments" | "not_found" | "unknown_package" | "untrusted";

export interface ToolError {
  code: ToolErrorCode;
  message: string;
}

/** What a tool returns: text for the model, and the same facts as data for programs. */
export interface ToolOutput {
  text: string;
  data: Record<string, unknown>;
}

export type ToolResult = Result<ToolOutput, ToolError>;

/** What the tools need of a workspace: a context engine over what is indexed so far, and the build's progress. */
export interface ToolWorkspace {
  readonly engine: ContextEngine;
  /** Files done and found while the index is still being built; undefined once it is complete. */
  progress(): { done: number; total: number } | undefined;
  /** Called as a question arrives, never awaited: a host may catch up with a moved HEAD for the next one. */
  questionArrived?(): void;
}

export const DEFAULT_TOOL_BUDGET = 8000;
export const MIN_TOOL_BUDGET = 500;
export const MAX_TOOL_BUDGET = 200_000;
export const DEFAULT_OUTLINE_BUDGET = 4000;

export interface ContextArgs {
  question: string;
  budget?: number;
  focusFiles?: string[];
  encoding?: string;
}

export interface ExplainArgs {
  symbol?: string;
  path?: string;
  line?: number;
  budget?: number;
}

export interface CheckCitationsArgs {
  answer: string;
  packageId: string;
}

export interface OutlineArgs {
  path?: string;
  depth?: number;
  budget?: number;
}

/**
 * Threadline's context builder and citation checker as tools for other agents
 * (the MCP server, VS Code's language-model tools, the chat participant). Every
 * tool only reads the index: repository text is returned as data and never
 * runs, writes or fetches anything. Packages are kept by id so an agent can
 * check its answer's citations against exactly what it was given.
 */
export class AgentTools {
  constructor(
    private readonly workspace: ToolWorkspace,
    readonly packages = new PackageStore(),
  ) {}

  context(args: ContextArgs): ToolResult {
    const question = args.question?.trim();
    if (!question) return bad("question must be a non-empty string");
    const budget = checkBudget(args.budget, DEFAULT_TOOL_BUDGET);
    if (typeof budget === "string") return bad(budget);
    const encoding = this.checkEncoding(args.encoding);
    if (encoding.ok === false) return encoding;
    const editor: EditorFocus = {};
    if (args.focusFiles?.length) {
      editor.openFiles = args.focusFiles.map(normalizePath);
      if (editor.openFiles.length === 1) editor.activeFile = editor.openFiles[0];
    }
    this.workspace.questionArrived?.();
    const pack = this.workspace.engine.build(question, { budget, encoding: encoding.value, editor });
    return ok(this.packageOutput(pack, `Repository context for: ${question}`));
  }

  explain(args: ExplainArgs): ToolResult {
    const budget = checkBudget(args.budget, DEFAULT_TOOL_BUDGET);
    if (typeof budget === "string") return bad(budget);
    this.workspace.questionArrived?.();
    const engine = this.workspace.engine;
    engine.prepare();
    const retrieval = engine.retrievalIndex!;
    let name = args.symbol?.trim();
    let file: string | undefined;
    let line: number | undefined;
    if (args.path !== undefined || args.line !== undefined) {
      if (args.path === undefined || args.line === undefined) return bad("give path and line together");
      if (!Number.isInteger(args.line) || args.line < 1) return bad("line must be a positive integer (1-based)");
      file = normalizePath(args.path);
      line = args.line;
      if (!retrieval.files.has(file)) return notFound(`${file} is not in the index${this.whileIndexing(", ")}`);
      if (!name) {
        const unit = retrieval.unitAt(file, line);
        const u = unit === undefined ? undefined : retrieval.units[unit];
        if (!u || u.name === "<module>") return notFound(`no function, method or class at ${file}:${line}`);
        name = u.name;
      }
    }
    if (!name) return bad("give symbol, or path and line");
    if (!new RegExp(`^${SYMBOL_NAME.source}$`).test(name))
      return bad(`"${name}" is not a symbol name (a function, method or class, optionally dotted)`);
    // The query is the symbol itself: the words of a built-in instruction would only add noise.
    const found = explainPackage(engine, { name, file, line }, { budget });
    if (!found) return notFound(`found no definition or use of "${name}" in the index${this.whileIndexing(", ")}`);
    const { pack, focus } = found;
    const steps = focus.map((f) => {
      const u = retrieval.unitAt(f.file, f.line);
      const label = u === undefined ? "" : ` ${retrieval.units[u]!.name}`;
      return `- ${f.role}: ${f.file}:${f.line}${label}`;
    });
    const header = `Call path of ${name} (callers, definition, type, callees):\n${steps.join("\n")}`;
    return ok(this.packageOutput(pack, header, { callPath: focus }));
  }

  checkCitations(args: CheckCitationsArgs): ToolResult {
    if (typeof args.answer !== "string") return bad("answer must be a string");
    const pack = this.packages.get(args.packageId);
    if (!pack)
      return err({
        code: "unknown_package",
        message: `no context package "${args.packageId}": it expired or was never given; build the context again`,
      });
    const citations = citationsOf(args.answer, pack).map((c) => ({
      text: c.text,
      valid: c.valid,
      reason: c.reason,
      ...(c.id ? { id: c.id } : {}),
      ...(c.file ? { path: c.file } : {}),
      ...(c.start !== undefined ? { start: c.start, end: c.end ?? c.start } : {}),
    }));
    const invalid = citations.filter((c) => !c.valid).length;
    const lines = citations.map((c) => `${c.valid ? "valid  " : "INVALID"} ${c.text}: ${c.reason}`);
    const summary =
      citations.length === 0
        ? "The answer cites nothing. Cite spans as [S3] or [S3:120-131], or as path:120-131."
        : `${citations.length - invalid} of ${citations.length} citations match what was sent${invalid ? `; ${invalid} do not` : ""}.`;
    return ok({
      text: [summary, ...lines].join("\n"),
      data: { citations, valid: citations.length - invalid, invalid },
    });
  }

  outline(args: OutlineArgs): ToolResult {
    const budget = checkBudget(args.budget, DEFAULT_OUTLINE_BUDGET);
    if (typeof budget === "string") return bad(budget);
    if (args.depth !== undefined && (!Number.isInteger(args.depth) || args.depth < 0))
      return bad("depth must be a non-negative integer");
    const engine = this.workspace.engine;
    engine.prepare();
    const outline = outlineOf(
      engine.retrievalIndex!,
      { path: args.path === undefined ? undefined : normalizePath(args.path), depth: args.depth, budget },
      engine.counter(),
    );
    const note = this.indexing();
    const where = args.path === undefined ? "" : ` under "${args.path}"`;
    if (!outline && note)
      return ok({
        text: `Note: ${note}: no file${where} is indexed yet; ask again in a moment.\n`,
        data: { files: 0, omitted: 0, tokens: 0, ...this.progressData() },
      });
    if (!outline) return notFound(`no indexed file${where}`);
    return ok({
      text: (note ? `Note: ${note}.\n` : "") + outline.text,
      data: { files: outline.files, omitted: outline.omitted, tokens: outline.tokens, ...this.progressData() },
    });
  }

  private packageOutput(pack: ContextPackage, header: string, extra: Record<string, unknown> = {}): ToolOutput {
    const packageId = this.packages.put(pack);
    const spans = pack.spans.map((s) => ({
      id: s.id,
      path: s.file,
      lines: s.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(","),
      ...(s.symbol ? { symbol: s.symbol } : {}),
    }));
    const note = this.indexing();
    const text =
      (note ? `Note: ${note}; later answers will see more.\n` : "") +
      `${header}\n` +
      `packageId: ${packageId} (${pack.tokens}/${pack.budget} ${pack.encoding} tokens, ${pack.spans.length} spans). ` +
      `Cite as [S<n>] or [S<n>:<start>-<end>]; check the answer with threadline_check_citations.\n\n` +
      pack.text;
    return {
      text,
      data: { packageId, tokens: pack.tokens, budget: pack.budget, spans, ...extra, ...this.progressData() },
    };
  }

  /** "still indexing (…)" while the first build runs; undefined once the index is complete. */
  private indexing(): string | undefined {
    const p = this.workspace.progress();
    if (!p) return undefined;
    return p.total === 0 ? "still indexing (finding files)" : `still indexing (${p.done} of ${p.total} files so far)`;
  }

  private whileIndexing(separator: string): string {
    const note = this.indexing();
    return note ? `${separator}${note}` : "";
  }

  private progressData(): Record<string, unknown> {
    const p = this.workspace.progress();
    return p ? { indexing: { done: p.done, total: p.total } } : {};
  }

  private checkEncoding(encoding: string | undefined): Result<string | undefined, ToolError> {
    if (encoding === undefined) return ok(undefined);
    try {
      this.workspace.engine.counter(encoding);
      return ok(encoding);
    } catch (e) {
      return bad((e as Error).message);
    }
  }
}

function checkBudget(budget: number | undefined, fallback: number): number | string {
  if (budget === undefined) return fallback;
  if (!Number.isInteger(budget) || budget < MIN_TOOL_BUDGET || budget > MAX_TOOL_BUDGET)
    return `budget must be an integer from ${MIN_TOOL_BUDGET} to ${MAX_TOOL_BUDGET} tokens, got ${budget}`;
  return budget;
}

/** Agents write paths as `./a/b.py` or with a trailing slash; the index keys them as `a/b.py`. */
function normalizePath(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.?\/+|\/+$/g, "");
}

const bad = (message: string): { ok: false; error: ToolError } => err({ code: "bad_arguments", message });
const notFound = (message: string): { ok: false; error: ToolError } => err({ code: "not_found", message });
