/**
 * The records every index stage shares. Plain JSON data: they are cached on
 * disk, posted between worker threads and read by the context builder.
 * Line numbers are 1-based and inclusive, as editors show them.
 */

/** A workspace-relative POSIX path; prefixed by the folder name in multi-root workspaces. */
export type WorkspacePath = string;

export type LanguageId =
  | "typescript"
  | "tsx"
  | "javascript"
  | "python"
  | "go"
  | "rust"
  | "java"
  | "cpp"
  | "csharp"
  | "ruby"
  | "php"
  | "bash"
  | "text";

export const SYMBOL_KINDS = ["function", "method", "class", "interface", "type", "enum", "constant", "module"] as const;
export type SymbolKind = (typeof SYMBOL_KINDS)[number];

export interface LineRange {
  start: number;
  end: number;
}

export interface SymbolDef {
  name: string;
  /** Dotted path through enclosing definitions: `Class.method`. */
  qualifiedName: string;
  kind: SymbolKind;
  start: number;
  end: number;
  /** Last line of the signature (the header before the body). */
  signatureEnd: number;
  /** Docstring or leading comment, when present. */
  doc?: LineRange;
  /** Index into the file's `symbols` array of the enclosing definition. */
  parent?: number;
}

export interface ImportFact {
  /** The imported module or path as written (`os.path`, `./util`). */
  source: string;
  line: number;
}

export interface ParseProblem {
  line: number;
  message: string;
}

/** What parsing one file yields. Keyed in the cache by content hash. */
export interface FileFacts {
  lang: LanguageId;
  lines: number;
  symbols: SymbolDef[];
  /** Identifier → lines where it is referenced (calls, uses). Read with `Object.hasOwn`: keys are arbitrary. */
  refs: Record<string, number[]>;
  imports: ImportFact[];
  /** Syntax errors; definitions outside them are still extracted. */
  errors: ParseProblem[];
  /** Set when the bytes were not valid UTF-8 and were decoded with replacements. */
  invalidUtf8?: boolean;
  /** Set when its first lines say a tool wrote it (`DO NOT EDIT`, `@generated`): ranked below hand-written code. */
  generated?: boolean;
}

export interface IndexedFile extends FileFacts {
  path: WorkspacePath;
  /** Absolute path on disk. */
  absPath: string;
  hash: string;
  size: number;
}

export type SkipReason = "binary" | "tooLarge" | "ignored" | "generated" | "unreadable" | "symlinkLoop";

export interface IndexStats {
  files: number;
  symbols: number;
  references: number;
  parseErrors: number;
  skipped: Record<SkipReason, number>;
  /** Files whose facts came from the cache rather than a parse. */
  fromCache: number;
  ms: number;
}

export interface IndexProblem {
  path: string;
  message: string;
}

export function emptySkipped(): Record<SkipReason, number> {
  return { binary: 0, tooLarge: 0, ignored: 0, generated: 0, unreadable: 0, symlinkLoop: 0 };
}
