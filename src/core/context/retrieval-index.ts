import type { IndexedFile, WorkspacePath } from "../index/types";
import { Bm25Index } from "./bm25";
import { buildGraph, personalizedPageRank, type Graph } from "./pagerank";
import type { Unit } from "./types";
import { unitsOf } from "./units";
import { Vocabulary } from "./vocabulary";

/** What the retrieval index needs of a workspace index: its files, and their text. */
export interface IndexSnapshot {
  files(): Iterable<IndexedFile>;
}
export type TextReader = (file: IndexedFile) => string | undefined;

/** Names defined by many units (`__init__`, `get`) carry little information; past this they make no edges. */
const MAX_DEFS_PER_EDGE_NAME = 30;

/**
 * Everything retrieval needs, derived once from an index snapshot: the units,
 * their lines, a BM25 index over units and one over files, definitions by name,
 * and the unit reference graph. Immutable; rebuild when the index changes.
 */
export class RetrievalIndex {
  readonly units: Unit[] = [];
  readonly lines = new Map<WorkspacePath, string[]>();
  readonly files = new Map<WorkspacePath, IndexedFile>();
  readonly unitsByFile = new Map<WorkspacePath, number[]>();
  /** Simple and qualified names (as written) → units defining them. */
  readonly definitions = new Map<string, number[]>();
  /** File paths in BM25 document order for `fileSearch`. */
  readonly fileOrder: WorkspacePath[] = [];
  readonly vocabulary = new Vocabulary();
  readonly unitSearch: Bm25Index;
  readonly fileSearch: Bm25Index;
  /** BM25 over whole classes (header and methods), and each unit's innermost class document (-1: none). */
  readonly classSearch: Bm25Index;
  readonly classOf: Int32Array;
  readonly graph: Graph;
  /** Exact token counts of rendered spans, per encoding, unit and detail: spans render the same every time. */
  readonly tokenCosts = new Map<string, number>();

  private constructor(snapshot: IndexSnapshot, read: TextReader) {
    const unitCounts: Map<number, number>[] = [];
    const fileCounts: Map<number, number>[] = [];
    const classCounts: Map<number, number>[] = [];
    const classOf: number[] = [];
    const sorted = [...snapshot.files()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of sorted) {
      const text = read(file);
      if (text === undefined) continue;
      const lines = text.split("\n");
      this.lines.set(file.path, lines);
      this.files.set(file.path, file);
      const ids: number[] = [];
      const pathCounts = new Map<number, number>();
      this.vocabulary.count(file.path.replace(/[/.-]/g, " "), pathCounts);
      const whole = new Map(pathCounts);
      for (const unit of unitsOf(file)) {
        // Blank runs join the unit before them, so the gap after a function (where code is often
        // inserted) is shown with it; a leading blank run is dropped.
        if (isBlank(lines, unit.start, unit.end)) {
          const previous = this.units[this.units.length - 1];
          if (ids.length > 0 && previous && previous.end === unit.start - 1) previous.end = unit.end;
          continue;
        }
        const id = this.units.length;
        this.units.push(unit);
        ids.push(id);
        // A unit is its lines, its name (twice: names are the strongest words) and its file's path.
        const counts = new Map(pathCounts);
        if (unit.name !== "<module>") this.vocabulary.count(unit.name, counts, 2);
        const body = new Map<number, number>();
        for (let l = unit.start; l <= unit.end; l++) this.vocabulary.count(lines[l - 1] ?? "", body);
        for (const [t, n] of body) {
          counts.set(t, (counts.get(t) ?? 0) + n);
          whole.set(t, (whole.get(t) ?? 0) + n);
        }
        unitCounts.push(counts);
      }
      this.unitsByFile.set(file.path, ids);
      // Classes as documents: a class about the question lifts its methods, as a file lifts its units.
      for (const id of ids) classOf[id] = -1;
      const classes = file.symbols
        .filter((c) => c.kind === "class" || c.kind === "interface")
        .sort((a, b) => a.qualifiedName.length - b.qualifiedName.length);
      for (const c of classes) {
        const members = ids.filter((id) => {
          const name = this.units[id]!.name;
          return name === c.qualifiedName || name.startsWith(c.qualifiedName + ".");
        });
        if (members.length === 0) continue;
        const doc = classCounts.length;
        const counts = new Map<number, number>();
        for (const id of members) {
          classOf[id] = doc; // inner classes come later and overwrite: the innermost wins
          for (const [t, n] of unitCounts[id]!) counts.set(t, (counts.get(t) ?? 0) + n);
        }
        classCounts.push(counts);
      }
      this.fileOrder.push(file.path);
      fileCounts.push(whole);
      for (const s of file.symbols) {
        const unit = this.unitAt(file.path, s.start);
        if (unit === undefined) continue;
        addTo(this.definitions, s.name, unit);
        if (s.qualifiedName !== s.name) addTo(this.definitions, s.qualifiedName, unit);
      }
    }
    this.unitSearch = Bm25Index.fromCounts(unitCounts, this.vocabulary.size);
    this.fileSearch = Bm25Index.fromCounts(fileCounts, this.vocabulary.size);
    this.classSearch = Bm25Index.fromCounts(classCounts, this.vocabulary.size);
    this.classOf = Int32Array.from(classOf);
    this.graph = this.buildReferenceGraph();
  }

  private centralCache: { unit: number; score: number }[] | undefined;

  /**
   * The units the rest of the code leans on most (PageRank with no seeds
   * preferred): the repository's backbone, for questions that name nothing.
   */
  central(limit: number): { unit: number; score: number }[] {
    if (!this.centralCache) {
      const all = new Map<number, number>();
      for (let u = 0; u < this.units.length; u++) if (this.units[u]!.kind !== "block") all.set(u, 1);
      const rank = personalizedPageRank(this.graph, all);
      const top = [...rank.entries()]
        .filter(([u]) => all.has(u))
        .sort((a, b) => b[1] - a[1] || a[0] - b[0])
        .slice(0, 100);
      const max = top[0]?.[1] ?? 1;
      this.centralCache = top.map(([unit, r]) => ({ unit, score: r / max }));
    }
    return this.centralCache.slice(0, limit);
  }

  static build(snapshot: IndexSnapshot, read: TextReader): RetrievalIndex {
    return new RetrievalIndex(snapshot, read);
  }

  /** Units with a line containing `text` verbatim (case-insensitively), at most `limit`. */
  unitsContaining(text: string, limit: number): number[] {
    const needle = text.toLowerCase();
    const out = new Set<number>();
    for (const [file, lower] of this.lowerTexts()) {
      // One native search over the whole file; lines are found only for hits.
      for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + 1)) {
        const line = lineOfOffset(lower, at);
        const u = this.unitAt(file, line);
        if (u !== undefined) out.add(u);
        if (out.size >= limit) return [...out];
      }
    }
    return [...out];
  }

  private lowered: Map<WorkspacePath, string> | undefined;
  private lowerTexts(): Map<WorkspacePath, string> {
    if (!this.lowered) {
      this.lowered = new Map();
      for (const [file, lines] of this.lines) this.lowered.set(file, lines.join("\n").toLowerCase());
    }
    return this.lowered;
  }

  /** The unit covering a line, by binary search over the file's units. */
  unitAt(file: WorkspacePath, line: number): number | undefined {
    const ids = this.unitsByFile.get(file);
    if (!ids) return undefined;
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const u = this.units[ids[mid]!]!;
      if (line < u.start) hi = mid - 1;
      else if (line > u.end) lo = mid + 1;
      else return ids[mid];
    }
    return undefined;
  }

  /**
   * Edges from each unit to the units defining the names it references,
   * weighted by how specific the name is: a name defined once says more than
   * one defined in thirty places.
   */
  private buildReferenceGraph(): Graph {
    const edges = new Map<number, Map<number, number>>();
    for (const [path, file] of this.files) {
      for (const name in file.refs) {
        if (!Object.hasOwn(file.refs, name)) continue;
        const defs = this.definitions.get(name);
        if (!defs || defs.length > MAX_DEFS_PER_EDGE_NAME) continue;
        const weight = 1 / defs.length;
        for (const line of file.refs[name]!) {
          const from = this.unitAt(path, line);
          if (from === undefined) continue;
          let out = edges.get(from);
          if (!out) edges.set(from, (out = new Map()));
          for (const to of defs) if (to !== from) out.set(to, (out.get(to) ?? 0) + weight);
        }
      }
    }
    return buildGraph(this.units.length, edges);
  }
}

function addTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

function isBlank(lines: readonly string[], start: number, end: number): boolean {
  for (let l = start; l <= end; l++) if ((lines[l - 1] ?? "").trim() !== "") return false;
  return true;
}

/** 1-based line number of a character offset. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
