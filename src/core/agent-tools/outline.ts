import type { RetrievalIndex } from "../context/retrieval-index";
import type { SymbolDef } from "../index/types";
import { signatureText } from "../context/render";
import type { TokenCounter } from "../context/token-counter";

/** Symbols listed per file, so one large file cannot take the whole budget from its neighbours. */
const MAX_SYMBOLS_PER_FILE = 30;

export interface OutlineRequest {
  /** A folder or file (workspace path); the whole repository when absent. */
  path?: string;
  /** Folder levels below `path` whose files are listed; deeper files are counted under their folder. */
  depth?: number;
  budget: number;
}

export interface Outline {
  text: string;
  tokens: number;
  files: number;
  /** Files (or folders) left out because the budget ran out. */
  omitted: number;
}

/**
 * The outline of the repository, or of one folder: folders, files and their
 * top-level symbols (with classes' methods) as one-line signatures with line
 * ranges, in path order, cut at the budget with a note saying what was left
 * out. Past `depth`, a folder is one line with its file count.
 */
export function outlineOf(index: RetrievalIndex, request: OutlineRequest, counter: TokenCounter): Outline | undefined {
  const prefix = (request.path ?? "").replace(/^\.?\/+|\/+$/g, "");
  const files = [...index.files.keys()]
    .filter((f) => !prefix || f === prefix || f.startsWith(prefix + "/"))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (files.length === 0) return undefined;
  const base = prefix && !index.files.has(prefix) ? prefix.split("/").length : 0;
  const depth = request.depth ?? Infinity;

  // Entries in path order: a file with its symbols, or a folder past the depth with its file count.
  const blocks: ({ text: string } | { opened: string; folder: string })[] = [];
  const collapsed = new Map<string, number>();
  let open: string[] = [];
  const openDirs = (dirs: string[]) => {
    let common = 0;
    while (common < dirs.length && common < open.length && dirs[common] === open[common]) common++;
    let out = "";
    for (let d = common; d < dirs.length; d++) out += `${"  ".repeat(d)}${dirs[d]}/\n`;
    open = dirs;
    return out;
  };
  for (const path of files) {
    const parts = path.split("/");
    const dirs = parts.slice(0, -1);
    if (dirs.length - base > depth) {
      const folder = dirs.slice(0, base + depth + 1).join("/");
      if (!collapsed.has(folder)) {
        const folderParts = folder.split("/");
        blocks.push({ opened: openDirs(folderParts.slice(0, -1)), folder });
        open = folderParts;
      }
      collapsed.set(folder, (collapsed.get(folder) ?? 0) + 1);
      continue;
    }
    let block = openDirs(dirs) + `${"  ".repeat(dirs.length)}${parts.at(-1)}\n`;
    const file = index.files.get(path)!;
    const lines = index.lines.get(path) ?? [];
    const listed = file.symbols.filter((s) => s.kind !== "constant" && nestingOf(file.symbols, s) <= 1);
    for (const s of listed.slice(0, MAX_SYMBOLS_PER_FILE)) {
      const signature = signatureText(s, lines);
      block += `${"  ".repeat(dirs.length + 1 + nestingOf(file.symbols, s))}${signature}  [${s.start}-${s.end}]\n`;
    }
    if (listed.length > MAX_SYMBOLS_PER_FILE)
      block += `${"  ".repeat(dirs.length + 1)}… ${listed.length - MAX_SYMBOLS_PER_FILE} more symbols\n`;
    blocks.push({ text: block });
  }

  const header = `# Outline of ${prefix || "the repository"} (${files.length} ${files.length === 1 ? "file" : "files"})\n`;
  let text = header;
  let tokens = counter.count(header);
  let shown = 0;
  const reserve = 40; // room for the closing note
  for (const entry of blocks) {
    const block =
      "text" in entry ? entry.text : entry.opened + collapsedLine(entry.folder, collapsed.get(entry.folder)!);
    const n = counter.count(block);
    if (tokens + n + reserve > request.budget) break;
    text += block;
    tokens += n;
    shown++;
  }
  const omitted = blocks.length - shown;
  if (omitted > 0) {
    const note = `… ${omitted} more ${omitted === 1 ? "entry" : "entries"} not shown: raise the budget or give a narrower path.\n`;
    text += note;
    tokens += counter.count(note);
  }
  return { text, tokens, files: files.length, omitted };
}

function collapsedLine(folder: string, count: number): string {
  const depth = folder.split("/").length - 1;
  return `${"  ".repeat(depth)}${folder.split("/").at(-1)}/  (${count} ${count === 1 ? "file" : "files"})\n`;
}

function nestingOf(symbols: readonly SymbolDef[], s: SymbolDef): number {
  let n = 0;
  for (let p = s.parent; p !== undefined; p = symbols[p]?.parent) n++;
  return n;
}
