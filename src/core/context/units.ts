import { SYMBOL_KINDS, type IndexedFile, type SymbolDef, type SymbolKind, type WorkspacePath } from "../index/types";
import type { Unit } from "./types";

/**
 * Each kind as the one string constant: kinds read from the index cache are
 * other string objects, and a mix of the two deoptimizes every comparison of
 * kinds the first time a unit derived after a restore reaches it.
 */
const KIND = Object.fromEntries(SYMBOL_KINDS.map((k) => [k, k])) as Record<SymbolKind, SymbolKind>;

const MAX_BLOCK_LINES = 80;
const functionKinds = new Set(["function", "method"]);

/** A unit's name without its owners (`Flask.dispatch_request` → `dispatch_request`), as history names definitions. */
export function simpleName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf(".") + 1);
}

/** Whether every line of start..end is blank (true when the range is empty). */
export function isBlank(lines: readonly string[], start: number, end: number): boolean {
  for (let l = start; l <= end; l++) if ((lines[l - 1] ?? "").trim() !== "") return false;
  return true;
}

/** The last line of start..end that is not blank, or `start`. */
export function lastNonBlankLine(lines: readonly string[], start: number, end: number): number {
  let l = end;
  while (l > start && (lines[l - 1] ?? "").trim() === "") l--;
  return l;
}

/**
 * Cuts a file into retrievable units. A function or method owns all its lines
 * (nested definitions included); the remaining lines belong to the innermost
 * enclosing class-like symbol, or to the module. Runs of lines with one owner
 * become one unit; module-level runs are split so no block is huge.
 *
 * With `isBlank`, a blank run joins the unit before it (a leading one is
 * dropped). Each unit is made once with its final lines: a unit whose `end`
 * changed after it was made would make V8 treat the field as mutable in every
 * unit, and code optimized for units restored from the cache, which never
 * change, would deoptimize at the first edit after a restore.
 */
export function unitsOf(
  file: IndexedFile,
  options: { path?: WorkspacePath; isBlank?: (start: number, end: number) => boolean } = {},
): Unit[] {
  const owner = new Int32Array(file.lines + 2).fill(-1);
  const symbols = file.symbols;
  // Outer symbols first, so inner ones overwrite — except inside functions, which keep their lines.
  const order = symbols
    .map((_, i) => i)
    .sort((a, b) => symbols[a]!.start - symbols[b]!.start || symbols[b]!.end - symbols[a]!.end);
  const insideFunction = new Uint8Array(file.lines + 2);
  for (const i of order) {
    const s = symbols[i]!;
    if (s.kind === "constant") continue;
    if (insideFunction[s.start]) continue;
    const end = Math.min(s.end, file.lines);
    for (let l = s.start; l <= end; l++) owner[l] = i;
    if (functionKinds.has(s.kind)) insideFunction.fill(1, s.start, end + 1);
  }
  // Runs first, as [start, end, owner]; units are made once the blank runs have joined.
  const runs: [number, number, number][] = [];
  let runStart = 1;
  for (let line = 2; line <= file.lines + 1; line++) {
    const boundary =
      line > file.lines ||
      owner[line] !== owner[runStart] ||
      (owner[runStart] === -1 && line - runStart >= MAX_BLOCK_LINES) ||
      (owner[line] !== -1 && symbols[owner[line]!]!.start === line);
    if (!boundary) continue;
    const end = line - 1;
    if (end >= runStart) {
      if (!options.isBlank?.(runStart, end)) runs.push([runStart, end, owner[runStart]!]);
      else if (runs.length > 0) runs[runs.length - 1]![1] = end;
    }
    runStart = line;
  }
  const path = options.path ?? file.path;
  return runs.map(([start, end, o]) => makeUnit(path, start, end, o >= 0 ? symbols[o] : undefined));
}

function makeUnit(path: WorkspacePath, start: number, end: number, symbol: SymbolDef | undefined): Unit {
  if (!symbol) return { file: path, start, end, name: "<module>", kind: "block", signatureEnd: start };
  const atHeader = symbol.start === start;
  const unit: Unit = {
    file: path,
    start,
    end,
    name: symbol.qualifiedName,
    kind: KIND[symbol.kind],
    signatureEnd: atHeader ? Math.min(symbol.signatureEnd, end) : start,
  };
  // A copy, in the same shape as a restored unit's: a docstring object from the index cache is
  // another shape, and a mix of the two generalizes the field in every unit.
  const doc = symbol.doc;
  if (atHeader && doc && doc.start >= start && doc.end <= end) unit.doc = { start: doc.start, end: doc.end };
  return unit;
}
