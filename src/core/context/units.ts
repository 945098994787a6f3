import { SYMBOL_KINDS, type IndexedFile, type SymbolDef, type SymbolKind } from "../index/types";
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

/**
 * Cuts a file into retrievable units. A function or method owns all its lines
 * (nested definitions included); the remaining lines belong to the innermost
 * enclosing class-like symbol, or to the module. Runs of lines with one owner
 * become one unit; module-level runs are split so no block is huge.
 */
export function unitsOf(file: IndexedFile): Unit[] {
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
  const units: Unit[] = [];
  let runStart = 1;
  for (let line = 2; line <= file.lines + 1; line++) {
    const boundary =
      line > file.lines ||
      owner[line] !== owner[runStart] ||
      (owner[runStart] === -1 && line - runStart >= MAX_BLOCK_LINES) ||
      (owner[line] !== -1 && symbols[owner[line]!]!.start === line);
    if (!boundary) continue;
    const unit = makeUnit(file, runStart, line - 1, owner[runStart]! >= 0 ? symbols[owner[runStart]!] : undefined);
    if (unit) units.push(unit);
    runStart = line;
  }
  return units;
}

function makeUnit(file: IndexedFile, start: number, end: number, symbol: SymbolDef | undefined): Unit | undefined {
  if (end < start) return undefined;
  if (!symbol) return { file: file.path, start, end, name: "<module>", kind: "block", signatureEnd: start };
  const atHeader = symbol.start === start;
  const unit: Unit = {
    file: file.path,
    start,
    end,
    name: symbol.qualifiedName,
    kind: KIND[symbol.kind],
    signatureEnd: atHeader ? Math.min(symbol.signatureEnd, end) : start,
  };
  if (atHeader && symbol.doc && symbol.doc.start >= start && symbol.doc.end <= end) unit.doc = symbol.doc;
  return unit;
}
