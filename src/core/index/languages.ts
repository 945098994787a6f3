import type { LanguageId } from "./types";

/** A language tree-sitter can parse: its grammar file and its tags query (`queries/<id>.scm`). */
export interface GrammarSpec {
  id: Exclude<LanguageId, "text">;
  wasm: string;
}

const grammars: Record<GrammarSpec["id"], string> = {
  typescript: "tree-sitter-typescript.wasm",
  tsx: "tree-sitter-tsx.wasm",
  javascript: "tree-sitter-javascript.wasm",
  python: "tree-sitter-python.wasm",
  go: "tree-sitter-go.wasm",
  rust: "tree-sitter-rust.wasm",
  java: "tree-sitter-java.wasm",
  // C has no grammar of its own in @vscode/tree-sitter-wasm; the C++ grammar parses it.
  cpp: "tree-sitter-cpp.wasm",
  csharp: "tree-sitter-c-sharp.wasm",
  ruby: "tree-sitter-ruby.wasm",
  php: "tree-sitter-php.wasm",
  bash: "tree-sitter-bash.wasm",
};

const byExtension: Record<string, LanguageId> = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "javascript",
  ".py": "python",
  ".pyi": "python",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".c": "cpp",
  ".h": "cpp",
  ".cc": "cpp",
  ".cpp": "cpp",
  ".cxx": "cpp",
  ".hh": "cpp",
  ".hpp": "cpp",
  ".hxx": "cpp",
  ".cs": "csharp",
  ".rb": "ruby",
  ".php": "php",
  ".sh": "bash",
  ".bash": "bash",
  // Prose and config: indexed for retrieval, without symbols.
  ".md": "text",
  ".rst": "text",
  ".txt": "text",
  ".toml": "text",
  ".cfg": "text",
  ".ini": "text",
  ".yaml": "text",
  ".yml": "text",
  ".json": "text",
};

/** Extensions of the languages parsed for symbols (`.py`, `.ts`, …), with their language. */
export const codeExtensions = Object.entries(byExtension).filter(
  (e): e is [string, GrammarSpec["id"]] => e[1] !== "text",
);

/** Extensions that are never text; anything else is sniffed. */
const binaryExtensions = new Set(
  (
    ".png .jpg .jpeg .gif .bmp .ico .webp .pdf .zip .gz .tgz .bz2 .xz .7z .tar .jar .class .so .dll " +
    ".dylib .exe .o .a .obj .wasm .pyc .pyo .woff .woff2 .ttf .otf .eot .mp3 .mp4 .mov .avi .sqlite .db .bin"
  ).split(" "),
);

export function languageForPath(path: string): LanguageId | undefined {
  const dot = path.lastIndexOf(".");
  if (dot < 0 || dot < path.lastIndexOf("/")) return undefined;
  return byExtension[path.slice(dot).toLowerCase()];
}

export function hasBinaryExtension(path: string): boolean {
  const dot = path.lastIndexOf(".");
  return dot >= 0 && binaryExtensions.has(path.slice(dot).toLowerCase());
}

export function grammarFor(id: LanguageId): GrammarSpec | undefined {
  return id === "text" ? undefined : { id, wasm: grammars[id] };
}

/** TSX shares the TypeScript tags query; every other language has its own. */
export function queryFileFor(id: GrammarSpec["id"]): string {
  return `${id === "tsx" ? "typescript" : id}.scm`;
}

export const parsedLanguages = Object.keys(grammars) as GrammarSpec["id"][];
