import type { SymbolKind, WorkspacePath } from "../index/types";

/** A 1-based inclusive line range, as `[start, end]`. */
export type Range = [number, number];

/** Why a span was picked; several can apply. */
export type Reason =
  /** `borrowed`: words the question does not use, taken from its best matches (`feedback.ts`). */
  | { kind: "bm25"; score: number; terms: string[]; borrowed?: string[] }
  | { kind: "identifier"; name: string }
  | { kind: "name"; terms: string[] }
  | { kind: "path"; mention: string }
  | { kind: "line"; mention: string }
  | { kind: "phrase"; text: string }
  | { kind: "editor"; what: "active" | "selection" | "open" }
  | { kind: "graph"; score: number }
  | { kind: "model"; score: number }
  | { kind: "explain"; role: string }
  /** A method of a class that ranks among the best units (its rank). */
  | { kind: "class"; name: string; rank: number }
  /** A definition of one of the two best-ranked code files (`place` 1 or 2), whose definitions are named by their signatures while room lasts. */
  | { kind: "bestFile"; file: string; place: number }
  /** The class whose method is shown: named by its signature so the method reads in its place. */
  | { kind: "owner"; method: string }
  /** Module code shown by its import statements: the file of `of`, which is shown. */
  | { kind: "imports"; of: string }
  | { kind: "history"; commits: number; example: { id: string; subject: string; year: number } };

export interface ContextSpan {
  /** Citation id, `S1`, `S2`, … in the order the spans appear in the text. */
  id: string;
  file: WorkspacePath;
  /** Lines whose text appears verbatim in the package text. */
  ranges: Range[];
  /** Symbol the span belongs to, when it is one. */
  symbol?: string;
  /**
   * `full` spans show every line; `elided` ones the signature and docstring; `pruned` ones the
   * lines that score highest; `signatures` ones the bare signatures of a run of a file's definitions.
   */
  detail: "full" | "elided" | "pruned" | "signatures";
  score: number;
  reasons: Reason[];
  tokens: number;
  /** Importance of each shown line (in `ranges` order), 0..1, from the scorer that ran. */
  lineScores: number[];
}

export interface PrunedSpan {
  file: WorkspacePath;
  ranges: Range[];
  symbol?: string;
  reason: string;
}

/** Which scorer ran: the lexical one (with the reason when a configured local model could not be used), or a local model's evaluator heads. */
export type ScorerInfo =
  { kind: "lexical"; fallback?: string } | { kind: "model"; model: string; layer: number; heads: number[] };

/** A local model that scores lines by attention (core/model implements it; context only needs this). */
export interface LineScoringModel {
  readonly info: Extract<ScorerInfo, { kind: "model" }>;
  /** One score ≥ 0 per line of `lines` (read as one text, in order). */
  scoreLines(question: string, lines: readonly string[], signal?: AbortSignal): Promise<Float32Array>;
}

/** The one object every consumer uses: chat, inspector, CLI and benchmarks. JSON-serialisable. */
export interface ContextPackage {
  question: string;
  budget: number;
  tokens: number;
  encoding: string;
  text: string;
  spans: ContextSpan[];
  pruned: PrunedSpan[];
  sections: { outline: number; spans: number; history?: number };
  /** Which scorer chose and pruned lines: the lexical one, or a local model (evaluator heads). */
  scorer: ScorerInfo;
  /** Whether the ranking searched the repository's history; absent when history was not asked for. */
  history?: HistoryState;
  /** Set when the file groups were ordered by a local model's attention: each file's mass, in the order shown. */
  attentionOrder?: { file: WorkspacePath; mass: number }[];
  /** The "Recent history" section: commits that touched the shown spans (only when asked for). */
  commits?: ContextCommit[];
  stats: {
    candidates: number;
    /** Tokens the shown spans would take with no body elided: the "before compression" figure. */
    uncompressedTokens: number;
    ms: Record<string, number>;
  };
}

/** A past commit whose message and changes match a question (core/history finds them; context only needs this). */
export interface HistoryHit {
  id: string;
  /** Author time, seconds since the epoch. */
  time: number;
  subject: string;
  /** BM25 of the question against the commit's message and changed identifiers. */
  score: number;
  /** Workspace paths the commit touched (those that map into the workspace). */
  files: readonly WorkspacePath[];
  /** Definitions it changed: [index into `files`, simple name]. */
  symbols: readonly (readonly [number, string])[];
}

/** The repository's history as ranking sees it: commits reachable from one revision. */
export interface HistoryLookup {
  /** Commits searched. */
  readonly size: number;
  search(question: string, limit: number): HistoryHit[];
  /** How many of the commits touched this definition (by simple name) of this file, or the file at all. */
  touches(file: WorkspacePath, name?: string): number;
  /**
   * The commits that touched any of these definitions (by simple name, best first): by the
   * best definition each touched, then newest first; at most `limit`.
   */
  touching(definitions: readonly { file: WorkspacePath; name: string }[], limit: number): HistoryCommit[];
}

/** A commit as a context package lists it. */
export interface HistoryCommit {
  id: string;
  time: number;
  subject: string;
  /** The given definitions it touched, as `file` and simple name. */
  touched: { file: WorkspacePath; name: string }[];
}

/** A commit in a package's "Recent history" section, citable as `[C1]`. */
export interface ContextCommit {
  /** Citation id, `C1`, `C2`, … in the order the commits appear. */
  id: string;
  /** The full commit id. */
  commit: string;
  /** Author date, `YYYY-MM-DD`. */
  date: string;
  subject: string;
  /** Symbols of the shown spans it touched. */
  symbols: string[];
}

/** Whether a package's ranking used history, and if not, why (so an answer can say so). */
export type HistoryState = { state: "used"; commits: number } | { state: "unavailable"; reason: string };

/** The editor's view of the user's focus, when there is an editor. */
export interface EditorFocus {
  activeFile?: WorkspacePath;
  selection?: { file: WorkspacePath; start: number; end: number };
  openFiles?: WorkspacePath[];
}

/**
 * `path` keeps the order of `focus` (a call path); `attention` puts the file groups a local
 * model attends to most nearest the question (Attention Sorting); the others order file groups
 * by strength or path.
 */
export type SpanOrder = "edges" | "score" | "source" | "path" | "attention";

/** A location the context must cover, and its role on a call path. */
export interface FocusLocation {
  file: WorkspacePath;
  line: number;
  role: "definition" | "caller" | "callee" | "implementation" | "type" | "reference";
}

export interface ContextOptions {
  budget: number;
  encoding?: string;
  editor?: EditorFocus;
  order?: SpanOrder;
  /** Locations to include first, in this order, before anything ranked (Explain Across Files). */
  focus?: readonly FocusLocation[];
  /** The repository's commits, searched as one more ranking signal; absent: no history signal. */
  history?: HistoryLookup;
  /** Why there is no `history` (still being read, no git, …), recorded in the package. */
  historyUnavailable?: string;
  /**
   * Add a "Recent history" section (the commits that touched the shown spans). Absent: only
   * when the question asks why or when something changed. Needs `history`.
   */
  recentHistory?: boolean;
  /**
   * With a local model (`ContextEngine.buildScored`): order file groups by the attention mass its
   * evaluator heads give them, strongest last, nearest the question. Off by default.
   */
  attentionSort?: boolean;
}

/** A retrievable unit of code: a function, a class header, or a module-level block. */
export interface Unit {
  file: WorkspacePath;
  start: number;
  end: number;
  /** Qualified symbol name, or `<module>` for module-level code. */
  name: string;
  kind: SymbolKind | "block";
  /** Last signature line, and the docstring, for elided rendering. */
  signatureEnd: number;
  doc?: { start: number; end: number };
}
