import type { Point } from "web-tree-sitter";

export interface LineEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

/**
 * The smallest run of whole lines that differs between two versions of a
 * file, as a tree-sitter edit, so an edited file is re-parsed incrementally.
 * Edges sit on line starts (column 0), so positions need no column arithmetic
 * in any encoding. Undefined when the texts are equal or an edge is not at a
 * line start (an edit to a final line without a newline): parse afresh then.
 */
export function lineEdit(before: string, after: string): LineEdit | undefined {
  if (before === after) return undefined;
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  const start = before.lastIndexOf("\n", prefix - 1) + 1;
  let suffix = 0;
  while (
    suffix < max - start &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  )
    suffix++;
  const nl = before.indexOf("\n", before.length - suffix);
  const oldEnd = nl < 0 ? before.length : nl + 1;
  const newEnd = after.length - (before.length - oldEnd);
  if (!atLineStart(before, oldEnd) || !atLineStart(after, newEnd)) return undefined;
  return {
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: { row: rowAt(before, start), column: 0 },
    oldEndPosition: { row: rowAt(before, oldEnd), column: 0 },
    newEndPosition: { row: rowAt(after, newEnd), column: 0 },
  };
}

function atLineStart(text: string, index: number): boolean {
  return index === 0 || text.charCodeAt(index - 1) === 10;
}

function rowAt(text: string, index: number): number {
  let rows = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) rows++;
  return rows;
}
