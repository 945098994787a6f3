import type { IndexedFile, SymbolDef, WorkspacePath } from "../index/types";
import type { Range, Unit } from "./types";
import { lastNonBlankLine, simpleName } from "./units";

/**
 * How a span is shown: every line; the signature and docstring with the body
 * elided; or pruned to its most important lines (see prune.ts).
 */
export type Detail = "full" | "elided" | "pruned";

export const CONTEXT_PREAMBLE =
  "Repository context. Spans of code follow the `## <file>` they come from; each line is `<line> | <code>` " +
  "with its real line number, and `⋮` marks lines left out. Cite a span as [S<n>] or [S<n>:<start>-<end>].\n\n";

const MAX_DOC_LINES = 4;
const MAX_OUTLINE_SYMBOLS = 25;
const MAX_SIGNATURE_CHARS = 110;

/** The lines of a unit that are shown in full or elided, as ranges (pruned spans carry their own). */
export function shownRanges(unit: Unit, detail: Exclude<Detail, "pruned">): Range[] {
  if (detail === "full") return [[unit.start, unit.end]];
  const ranges: Range[] = [[unit.start, unit.signatureEnd]];
  if (unit.doc && unit.doc.start > unit.signatureEnd) {
    const end = Math.min(unit.doc.end, unit.doc.start + MAX_DOC_LINES - 1, unit.end);
    if (unit.doc.start === unit.signatureEnd + 1) ranges[0] = [unit.start, end];
    else ranges.push([unit.doc.start, end]);
  }
  return ranges;
}

/** A span block: its citation header and its numbered lines, with `⋮` where lines are left out. */
export function renderSpan(
  id: string,
  unit: Unit,
  detail: Detail,
  lines: readonly string[],
  ranges: readonly Range[] = detail === "pruned" ? [[unit.start, unit.end]] : shownRanges(unit, detail),
  /** Says why lines are left out when the detail alone does not: module code shown by its imports. */
  note = detail === "elided" ? " (body elided)" : detail === "pruned" ? " (pruned to the lines that matter)" : "",
): string {
  const width = String(unit.end).length;
  const label = unit.name === "<module>" ? "module code" : unit.name;
  let out = `[${id}] ${label}${note}\n`;
  let next = unit.start;
  for (const [start, end] of ranges) {
    if (start > next) out += elision(width, next, start - 1);
    for (let n = start; n <= end; n++) out += numberedLine(n, width, lines);
    next = end + 1;
  }
  if (next <= unit.end) out += elision(width, next, unit.end);
  return out;
}

/**
 * The lines that name a definition: its decorators and the line that holds its name, however many
 * decorators come first, but not the rest of a long parameter list. The lines after the name are
 * mostly `self,` and one parameter each, and a bare signature is there to name the definition:
 * cut to the name line, the same room names more of them (dev sets without history against up to
 * 3 lines, file-all / function / line: QA at 8k 79.5 / 64.1 / 63.2 → 79.5 / 64.4 / 63.4, at 4k
 * 70.5 / 54.1 / 51.7 → 69.9 / 55.0 / 52.0; SWE-bench unchanged at both; up to 2 lines was between).
 */
export function signatureRange(unit: Unit, lines: readonly string[]): Range {
  return [
    unit.start,
    nameLine({ start: unit.start, signatureEnd: unit.signatureEnd, name: simpleName(unit.name) }, lines),
  ];
}

/**
 * A definition whose body (trailing blank lines aside) is at most this many lines after its name
 * line is named whole in a run of bare signatures: a one-line getter or `pass` costs a line or two
 * more than its signature and says what the definition does. Dev sets at 8k (file-all / function /
 * line), without and with history: QA 80.1 / 65.3 / 63.7 → 80.1 / 65.9 / 63.7 and 81.4 / 65.6 /
 * 64.3 → 81.4 / 65.8 / 64.2; SWE-bench unchanged (86.1 / 55.3 / 54.9 and 86.1 / 56.8 / 56.7).
 */
const WHOLE_BODY_LINES = 2;

/**
 * Decorators longer than this many lines are cut to their first line in a bare signature: a
 * test's `@pytest.mark.parametrize` table or a CLI's stack of `@click.option`s can run to 80
 * lines (684 tokens for one signature, sqlfluff's `test__parser__grammar_anyof_modes`), and the
 * definition is named by its first decorator line and its name line as well.
 */
const BARE_DECORATOR_LINES = 4;

/**
 * The lines a run of bare signatures shows of a definition: its signature (a long stack of
 * decorators cut to its first line), or all of it when short.
 */
export function bareRanges(unit: Unit, lines: readonly string[]): Range[] {
  const [start, nameEnd] = signatureRange(unit, lines);
  const end = lastNonBlankLine(lines, nameEnd, unit.end);
  const last = end - nameEnd <= WHOLE_BODY_LINES ? end : nameEnd;
  return nameEnd - start > BARE_DECORATOR_LINES
    ? [
        [start, start],
        [nameEnd, last],
      ]
    : [[start, last]];
}

/**
 * One span for several definitions of a file shown only by their signatures:
 * a header that says so, then each signature's numbered lines. A span per
 * definition would spend more on headers than on the signatures, and a `⋮`
 * line between signatures (4 tokens, a signature line costs about 12) would
 * say only what the jump in line numbers and the header already say. Each
 * definition is shown by the lines `ranges` gives, its signature's by default;
 * a definition of a line or two is shown whole (see `bareRanges`).
 */
export function renderSignatures(
  id: string,
  run: readonly { unit: Unit; ranges?: readonly Range[] }[],
  lines: readonly string[],
): string {
  const first = run[0]!.unit;
  const last = run[run.length - 1]!.unit;
  const width = String(last.end).length;
  const shown = run.map((d) => {
    const signature = signatureRange(d.unit, lines);
    return { ranges: d.ranges ?? [signature], nameEnd: signature[1] };
  });
  // Whole: a range runs on from the name line into the body.
  const whole = shown.some((d) => d.ranges.some(([a, b]) => a <= d.nameEnd && b > d.nameEnd));
  let out = signaturesHeader(id, run.length, first.name, whole);
  let next = first.start;
  for (const { ranges } of shown)
    for (const [start, end] of ranges) {
      for (let n = Math.max(start, next); n <= end; n++) out += numberedLine(n, width, lines);
      next = Math.max(next, end + 1);
    }
  return out;
}

/**
 * The header line of a run of `count` bare signatures; `name` names a run of one. `whole`: some
 * definition of the run is short enough to be shown whole.
 */
export function signaturesHeader(id: string, count: number, name: string, whole = false): string {
  if (count === 1) return `[${id}] ${name}${whole ? "" : " (signature only)"}\n`;
  return `[${id}] signatures of ${count} more definitions${whole ? " (the shortest whole)" : ""}\n`;
}

/**
 * `n | text`, the number padded to `width`; a blank line ends at the bar, since the space after
 * it would cost a token of its own. Every code line of a package is written by this.
 */
export function numberedLine(n: number, width: number, lines: readonly string[]): string {
  const text = lines[n - 1] ?? "";
  return text === "" ? `${String(n).padStart(width)} |\n` : `${String(n).padStart(width)} | ${text}\n`;
}

function elision(width: number, from: number, to: number): string {
  return `${"⋮".padStart(width)} | (lines ${from}-${to} elided)\n`;
}

export function fileHeader(file: WorkspacePath): string {
  return `\n## ${file}\n`;
}

export type OutlineDetail = "full" | "picked" | "name";

/**
 * The outline: folders → files → symbols with one-line signatures and line
 * ranges. Every symbol is shown by its own line (`def before_request(self, f):`,
 * not the `@setupmethod` above it). For each file, the symbols that were picked
 * and their parents come first; a `full` file also lists the rest in source
 * order, up to a cap; a `name` file is listed without symbols. Files are listed by path, or in the given order (a call
 * path) when `keepOrder` is set.
 */
export function renderOutline(
  files: readonly {
    file: IndexedFile;
    lines: readonly string[];
    picked: ReadonlySet<string>;
    /** `full`: picked symbols, then the others; `picked`: those only; `name`: the file alone. */
    detail?: OutlineDetail;
  }[],
  keepOrder = false,
): string {
  let out = "# Outline\n";
  const sorted = keepOrder
    ? files
    : [...files].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
  let openDirs: string[] = [];
  for (const { file, lines, picked, detail = "full" } of sorted) {
    const parts = file.path.split("/");
    const dirs = parts.slice(0, -1);
    let common = 0;
    while (common < dirs.length && common < openDirs.length && dirs[common] === openDirs[common]) common++;
    for (let d = common; d < dirs.length; d++) out += `${"  ".repeat(d)}${dirs[d]}/\n`;
    openDirs = dirs;
    const depth = dirs.length;
    out += `${"  ".repeat(depth)}${parts[parts.length - 1]}\n`;
    for (const s of detail === "name" ? [] : outlineSymbols(file.symbols, picked, detail === "full")) {
      const nesting = ancestorsOf(file.symbols, s);
      const signature = signatureText(s, lines);
      out += `${"  ".repeat(depth + 1 + nesting)}${signature}  [${s.start}-${s.end}]\n`;
    }
  }
  return out;
}

/** A symbol's one-line signature as outlines show it: the line that names it, trimmed and cut short. */
export function signatureText(s: Pick<SymbolDef, "start" | "signatureEnd" | "name">, lines: readonly string[]): string {
  return (lines[nameLine(s, lines) - 1] ?? "").trim().slice(0, MAX_SIGNATURE_CHARS);
}

/**
 * The line that names the symbol: past its decorators, within its signature. A decorator can hold
 * the name too (`@total.setter`, `@app.route("/total")`), and its arguments can run over several
 * lines (`@pytest.mark.parametrize(` with one case a line), so no line of a decorator is taken for
 * the name line: a decorator runs until its brackets close.
 */
function nameLine(s: Pick<SymbolDef, "start" | "signatureEnd" | "name">, lines: readonly string[]): number {
  const last = Math.max(s.start, s.signatureEnd);
  let open = 0;
  let firstOther: number | undefined;
  for (let l = s.start; l <= last; l++) {
    const text = lines[l - 1] ?? "";
    if (open > 0 || text.trim().startsWith("@")) {
      open = Math.max(0, open + bracketBalance(text));
      continue;
    }
    if (text.includes(s.name)) return l;
    firstOther ??= l;
  }
  return firstOther ?? s.start;
}

/** Brackets a line opens minus those it closes, outside its string literals. */
function bracketBalance(line: string): number {
  let n = 0;
  for (const ch of line.replace(/"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, "")) {
    if (ch === "(" || ch === "[" || ch === "{") n++;
    else if (ch === ")" || ch === "]" || ch === "}") n--;
  }
  return n;
}

function outlineSymbols(symbols: readonly SymbolDef[], picked: ReadonlySet<string>, full: boolean): SymbolDef[] {
  const keep = new Set<SymbolDef>();
  const withParents = (s: SymbolDef) => {
    for (
      let cur: SymbolDef | undefined = s;
      cur && !keep.has(cur);
      cur = cur.parent !== undefined ? symbols[cur.parent] : undefined
    )
      keep.add(cur);
  };
  for (const s of symbols) if (picked.has(s.qualifiedName)) withParents(s);
  for (const s of full ? symbols : []) {
    if (keep.size >= MAX_OUTLINE_SYMBOLS) break;
    if (s.kind !== "constant" && ancestorsOf(symbols, s) <= 1) withParents(s);
  }
  return symbols.filter((s) => keep.has(s));
}

function ancestorsOf(symbols: readonly SymbolDef[], s: SymbolDef): number {
  let n = 0;
  for (let p = s.parent; p !== undefined; p = symbols[p]?.parent) n++;
  return n;
}
