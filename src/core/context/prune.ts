import type { Range, Unit } from "./types";

/**
 * The lines of a long unit worth showing: its signature (and the first
 * docstring line), the `keep` highest-scoring body lines, and the lines that
 * open the blocks those lines sit in (found by indentation, so it works for
 * every language), so a kept `return x` still shows the `if` it belongs to.
 * One-line gaps are filled: an elision marker costs as much as the line.
 */
export function prunedRanges(
  unit: Unit,
  lines: readonly string[],
  score: (line: number) => number,
  keep: number,
): Range[] {
  const shown = new Set<number>();
  for (let n = unit.start; n <= unit.signatureEnd; n++) shown.add(n);
  if (unit.doc && unit.doc.start > unit.signatureEnd) shown.add(unit.doc.start);
  const inDoc = (n: number) => unit.doc !== undefined && n >= unit.doc.start && n <= unit.doc.end;
  const body: { n: number; s: number }[] = [];
  for (let n = unit.signatureEnd + 1; n <= unit.end; n++) {
    if (inDoc(n) || !lines[n - 1]?.trim()) continue;
    const s = score(n);
    if (s > 0) body.push({ n, s });
  }
  body.sort((a, b) => b.s - a.s || a.n - b.n);
  const baseIndent = indentOf(lines[unit.start - 1] ?? "");
  for (const { n } of body.slice(0, Math.max(0, keep))) {
    shown.add(n);
    // Walk up to the enclosing block openers: each nearer line indented less than the last.
    let indent = indentOf(lines[n - 1]!);
    for (let m = n - 1; m > unit.signatureEnd && indent > baseIndent; m--) {
      const text = lines[m - 1] ?? "";
      if (!text.trim() || inDoc(m)) continue;
      const i = indentOf(text);
      if (i < indent) {
        shown.add(m);
        indent = i;
      }
    }
  }
  for (let n = unit.start + 1; n < unit.end; n++)
    if (!shown.has(n) && shown.has(n - 1) && shown.has(n + 1)) shown.add(n);
  const sorted = [...shown].filter((n) => n >= unit.start && n <= unit.end).sort((a, b) => a - b);
  const ranges: Range[] = [];
  for (const n of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges;
}

function indentOf(line: string): number {
  let i = 0;
  for (const ch of line) {
    if (ch === " ") i++;
    else if (ch === "\t") i += 4;
    else break;
  }
  return i;
}

/** How many field lines a skeleton shows at most. */
const MAX_SKELETON_FIELDS = 40;
const FIELD =
  /^\s*(?:(?:public|private|protected|readonly|static|declare)\s+)*(?:self\.)?[A-Za-z_$][\w$]*\??\s*(?::[^=]*)?=|^\s*(?:(?:public|private|protected|readonly|static|declare)\s+)*[A-Za-z_$][\w$]*\??\s*:\s*\S/;

/**
 * A class as a type on a call path: its header, the first line of its
 * docstring, and its fields (assignments and annotations directly in its
 * body), never its whole body. Its methods are units of their own.
 */
export function skeletonRanges(unit: Unit, lines: readonly string[]): Range[] {
  const shown: number[] = [];
  for (let n = unit.start; n <= unit.signatureEnd; n++) shown.push(n);
  if (unit.doc && unit.doc.start > unit.signatureEnd) shown.push(unit.doc.start);
  const inDoc = (n: number) => unit.doc !== undefined && n >= unit.doc.start && n <= unit.doc.end;
  let bodyIndent: number | undefined;
  let fields = 0;
  for (let n = unit.signatureEnd + 1; n <= unit.end && fields < MAX_SKELETON_FIELDS; n++) {
    const text = lines[n - 1] ?? "";
    if (!text.trim() || inDoc(n)) continue;
    const indent = indentOf(text);
    bodyIndent ??= indent;
    if (indent === bodyIndent && FIELD.test(text)) {
      shown.push(n);
      fields++;
    }
  }
  const ranges: Range[] = [];
  for (const n of [...new Set(shown)].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return ranges;
}
