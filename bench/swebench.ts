/** SWE-bench Lite instances and the measures of ../shared/bench/README.md. */
import * as fs from "node:fs";

/** A SWE-bench issue (`golden_patch`, `expected_spans`) or a conceptual question (`gold_*`). */
export interface Instance {
  instance_id: string;
  repo: string;
  base_commit: string;
  problem_statement: string;
  golden_patch?: string;
  expected_spans?: Record<string, string[]>;
  gold_files?: string[];
  gold_functions?: { file: string; name: string; start: number; end: number }[];
  gold_lines?: Record<string, number[]>;
}

export function loadInstances(file: string): Instance[] {
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Instance);
}

/**
 * Pre-image lines of a unified diff, per file: removed lines, and for an
 * insertion the pre-image line it follows.
 */
export function preImageLines(patch: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file: string | undefined;
  let oldLine = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("--- ")) {
      inHunk = false;
      continue;
    }
    if (line.startsWith("+++ ")) {
      file = line.slice(4).replace(/^b\//, "").trim();
      if (!out.has(file)) out.set(file, new Set());
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@/.exec(line);
    if (hunk) {
      oldLine = Number(hunk[1]);
      inHunk = true;
      continue;
    }
    if (!inHunk || !file) continue;
    const set = out.get(file)!;
    if (line.startsWith("-")) {
      set.add(oldLine);
      oldLine++;
    } else if (line.startsWith("+")) {
      if (oldLine > 1) set.add(oldLine - 1);
    } else if (line.startsWith(" ") || line === "") {
      oldLine++;
    }
  }
  return out;
}

/** Lines of each file whose text appears verbatim, numbered, in a context text (`## path` then `N | code`). */
export function linesInContext(
  text: string,
  fileLines: (file: string) => string[] | undefined,
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let file: string | undefined;
  for (const line of text.split("\n")) {
    const header = /^## (.+)$/.exec(line) ?? /^\[start of (.+)\]$/.exec(line);
    if (header) {
      file = header[1];
      continue;
    }
    const numbered = /^\s*(\d+) \| ?(.*)$/.exec(line);
    if (!numbered || !file) continue;
    const n = Number(numbered[1]);
    const actual = fileLines(file)?.[n - 1];
    if (actual === undefined || actual !== numbered[2]) continue;
    let set = out.get(file);
    if (!set) out.set(file, (set = new Set()));
    set.add(n);
  }
  return out;
}

export interface Scores {
  /** Every gold file has a line in the context ("file-all"). */
  fileRecall: number;
  /** At least one gold file does. */
  fileAny: number;
  /** Undefined when the instance names no gold function. */
  functionRecall: number | undefined;
  /** Undefined for a conceptual question without gold lines. */
  lineRecall: number | undefined;
  unresolvedFunctions: number;
}

export interface SymbolRange {
  name: string;
  kind: string;
  start: number;
  end: number;
}

/** A gold definition, and the lines inside it that must be shown with its first line for it to count. */
export interface GoldDefinition {
  file: string;
  name: string;
  start: number;
  end: number;
  required: number[];
}

/** The bench's rule for a gold definition: its first line and every required line inside it are shown. */
export function definitionShown(def: GoldDefinition, shown: Map<string, Set<number>>): boolean {
  const seen = shown.get(def.file);
  return seen !== undefined && seen.has(def.start) && def.required.every((l) => seen.has(l));
}

/**
 * SWE-bench's module-level gold names, which stand for code outside any definition: `imports` and
 * `impl`, each optionally numbered (`impl:3`, and `imports:5` in psf__requests-2674).
 */
const isModuleLevel = (name: string) => /^(?:imports|impl)(?::\d+)?$/.test(name);

/**
 * The gold definitions of an instance: a question's gold functions with its gold lines inside, or
 * an issue's expected spans that resolve to a definition, with the patch's pre-image lines inside.
 */
export function goldDefinitions(
  instance: Instance,
  symbolsOf: (file: string) => SymbolRange[] | undefined,
): GoldDefinition[] {
  const inside = (lines: Iterable<number> | undefined, start: number, end: number) =>
    [...(lines ?? [])].filter((l) => l >= start && l <= end);
  if (instance.gold_files) {
    const goldLines = instance.gold_lines ?? {};
    return (instance.gold_functions ?? []).map((fn) => ({
      ...fn,
      required: inside(goldLines[fn.file], fn.start, fn.end),
    }));
  }
  const changed = preImageLines(instance.golden_patch ?? "");
  return Object.entries(instance.expected_spans ?? {}).flatMap(([file, names]) =>
    names.flatMap((name) => {
      const symbol = isModuleLevel(name) ? undefined : symbolsOf(file)?.find((s) => s.name === name);
      return symbol
        ? [
            {
              file,
              name,
              start: symbol.start,
              end: symbol.end,
              required: inside(changed.get(file), symbol.start, symbol.end),
            },
          ]
        : [];
    }),
  );
}

/** Every file an instance's answer needs: a question's gold files, an issue's patched and expected files. */
export function goldFiles(instance: Instance): string[] {
  if (instance.gold_files) return instance.gold_files;
  return [
    ...new Set([...preImageLines(instance.golden_patch ?? "").keys(), ...Object.keys(instance.expected_spans ?? {})]),
  ];
}

/** The three measures for one instance, given the context's lines and each gold file's symbols. */
export function score(
  instance: Instance,
  shown: Map<string, Set<number>>,
  symbolsOf: (file: string) => SymbolRange[] | undefined,
): Scores {
  if (instance.gold_files) return scoreQuestion(instance, shown);
  const gold = preImageLines(instance.golden_patch ?? "");
  const expected = instance.expected_spans ?? {};
  const files = goldFiles(instance);
  const fileRecall = files.every((f) => (shown.get(f)?.size ?? 0) > 0) ? 1 : 0;
  const fileAny = files.some((f) => (shown.get(f)?.size ?? 0) > 0) ? 1 : 0;
  let lines = 0;
  let hit = 0;
  for (const [f, set] of gold) {
    for (const l of set) {
      lines++;
      if (shown.get(f)?.has(l)) hit++;
    }
  }
  const definitions = goldDefinitions(instance, symbolsOf);
  let functions = 0;
  let found = definitions.filter((d) => definitionShown(d, shown)).length;
  let moduleLevel = 0;
  for (const [f, names] of Object.entries(expected)) {
    const symbols = symbolsOf(f) ?? [];
    const changed = gold.get(f) ?? new Set<number>();
    const seen = shown.get(f) ?? new Set<number>();
    for (const name of names) {
      functions++;
      if (!isModuleLevel(name)) continue;
      moduleLevel++;
      // Module-level code: every changed line outside any function or class must be shown.
      const outside = [...changed].filter(
        (l) => !symbols.some((s) => s.kind !== "constant" && l >= s.start && l <= s.end),
      );
      if (seen.size > 0 && outside.every((l) => seen.has(l))) found++;
    }
  }
  const unresolved = functions - moduleLevel - definitions.length;
  return {
    fileRecall,
    fileAny,
    functionRecall: functions > 0 ? found / functions : undefined,
    lineRecall: lines > 0 ? hit / lines : 1,
    unresolvedFunctions: unresolved,
  };
}

/**
 * A conceptual question (qa-dev.jsonl): a gold function counts when its first
 * line and every gold line inside it are in the context; line recall only where
 * the question has gold lines.
 */
function scoreQuestion(instance: Instance, shown: Map<string, Set<number>>): Scores {
  const files = instance.gold_files ?? [];
  const has = (f: string) => (shown.get(f)?.size ?? 0) > 0;
  const goldLines = instance.gold_lines ?? {};
  const found = goldDefinitions(instance, () => undefined).filter((d) => definitionShown(d, shown)).length;
  let lines = 0;
  let hit = 0;
  for (const [f, ls] of Object.entries(goldLines))
    for (const l of ls) {
      lines++;
      if (shown.get(f)?.has(l)) hit++;
    }
  const fns = instance.gold_functions?.length ?? 0;
  return {
    fileRecall: files.length > 0 && files.every(has) ? 1 : 0,
    fileAny: files.some(has) ? 1 : 0,
    functionRecall: fns > 0 ? found / fns : undefined,
    lineRecall: lines > 0 ? hit / lines : undefined,
    unresolvedFunctions: 0,
  };
}
