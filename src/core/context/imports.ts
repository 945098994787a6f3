import type { IndexedFile } from "../index/types";
import type { Range } from "./types";
import { isBlank } from "./units";

/** A statement longer than this is not an import list but code that happens to import (a wrapper, a big `try`): left out. */
const MAX_STATEMENT_LINES = 40;

/**
 * The lines of a file's module-level import statements, whole (`from x import (…)` over several
 * lines, a TypeScript import whose `from "…"` ends it), joined where only blank lines part them.
 * `atModuleLevel` says whether a line lies outside every definition: an import inside a function
 * is shown with its function. The index records the line of each import's source; the statement
 * around it is found by balancing brackets, which every language's multi-line import uses (and a
 * trailing backslash, Python's other continuation).
 */
export function importStatements(
  file: Pick<IndexedFile, "imports">,
  lines: readonly string[],
  atModuleLevel: (line: number) => boolean,
): Range[] {
  const statements: Range[] = [];
  for (const { line } of file.imports) {
    if (!atModuleLevel(line) || statements.some(([a, b]) => line >= a && line <= b)) continue;
    const range = statementAround(lines, line);
    if (range && range[1] - range[0] < MAX_STATEMENT_LINES) statements.push(range);
  }
  statements.sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const [start, end] of statements) {
    const last = merged[merged.length - 1];
    if (last && isBlank(lines, last[1] + 1, start - 1)) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** The lines of the statement around `line`: back while brackets close that opened earlier, on while they are open. */
function statementAround(lines: readonly string[], line: number): Range | undefined {
  if (line < 1 || line > lines.length) return undefined;
  let start = line;
  for (let depth = balance(lines[line - 1]!); depth < 0 && start > 1;) depth += balance(lines[--start - 1]!);
  let end = start;
  for (let depth = balance(lines[start - 1]!); ;) {
    const continued = depth > 0 || lines[end - 1]!.trimEnd().endsWith("\\");
    if ((!continued && end >= line) || end >= lines.length) break;
    depth += balance(lines[++end - 1]!);
  }
  return [start, end];
}

/** Opening minus closing brackets on a line. */
function balance(text: string): number {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
  }
  return depth;
}
