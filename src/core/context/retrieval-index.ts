import { contentHash } from "../index/cache";
import type { IndexedFile, WorkspacePath } from "../index/types";
import { Bm25Index, type Bm25Dump, type Bm25Hit } from "./bm25";
import { normalizedEdges, personalizedPageRank, type Graph } from "./pagerank";
import type { Unit } from "./types";
import { isBlank, lastNonBlankLine, simpleName, unitsOf } from "./units";
import {
  type PackedLists,
  type PackedUnits,
  listView,
  packLists,
  packStrings,
  packUnits,
  unpackList,
  unpackStrings,
  unpackUnits,
} from "./packing";
import { FileLines } from "./file-lines";
import { nameWords } from "./tokenize";
import { Vocabulary } from "./vocabulary";

/** What the retrieval index needs of a workspace index: its files, and their text. */
export interface IndexSnapshot {
  files(): Iterable<IndexedFile>;
  get(path: WorkspacePath): IndexedFile | undefined;
}
export type TextReader = (file: IndexedFile) => string | undefined;

/** Names defined by many units (`__init__`, `get`) carry little information; past this they make no edges. */
const MAX_DEFS_PER_EDGE_NAME = 30;

/**
 * Units are normalised fully for length (b = 1, against BM25's usual 0.75): a definition that the
 * question's words fill is about them, while a long one collects the same words in passing, by
 * its size. Files and classes keep 0.75; they are priors (files at 0.5 or 0.9, classes at 0.9,
 * gained nothing).
 * At 8k without history, QA dev 80.1 / 65.3 / 63.7 against 79.5 / 64.4 / 63.4 (file-all /
 * function / line), SWE-bench dev 4k 85.2 / 48.9 / 49.1 against 83.3 / 46.4 / 47.4 and 8k the same
 * (86.1 / 55.3 / 54.9); b = 0.9 gave QA 80.1 / 65.0 / 64.0 but SWE-bench 8k function 54.9.
 */
const UNIT_BM25 = { k1: 1.2, b: 1 } as const;

/** What one `sync` changed. */
export interface SyncStats {
  added: number;
  changed: number;
  removed: number;
  /** Files whose reference-graph edges were recomputed (the changed ones and those naming what they define). */
  relinked: number;
  /** Unit documents derived again: new units and those whose text changed (the others keep theirs). */
  units: number;
}

/**
 * Bump when what the index derives from a file changes (units, tokenizing,
 * documents, edges, or the rendering its kept token counts measure): a persisted
 * index of another version is rebuilt. 8: a bare signature stops at its name line. 9: a
 * decorator whose arguments run over several lines is not taken for the name line. 10: a bare
 * signature shows a body of a line or two whole and cuts a long stack of decorators to its first line.
 */
export const RETRIEVAL_SCHEMA_VERSION = 10;

/**
 * The whole derived state as flat data for `v8.serialize` (see `packing.ts`);
 * file text is re-read, not stored. Per-file tables are aligned with `paths`.
 */
export interface RetrievalDump {
  schema: number;
  /** Every file the state was derived from, in path order, with its content hash and absolute path. */
  paths: string;
  hashes: string;
  absPaths: string;
  units: PackedUnits;
  unitsByFile: PackedLists;
  fileDocs: Uint32Array;
  classDocs: PackedLists;
  definitionNames: string;
  definitions: PackedLists;
  terms: string;
  unitSearch: Bm25Dump;
  fileSearch: Bm25Dump;
  classSearch: Bm25Dump;
  classOf: Int32Array;
  unitDoc: Uint32Array;
  /** Each unit's text hash (see `textHash`), by unit id. */
  unitHashes: Float64Array;
  docUnit: Uint32Array;
  docFiles: string;
  classKeyPaths: string;
  classKeyIndex: Uint32Array;
  /** Each unit's out-edges, packed: unit u's are at [edgeOffsets[u], edgeOffsets[u + 1]). */
  edgeOffsets: Float64Array;
  edgeTargets: Uint32Array;
  edgeWeights: Float32Array;
  /** Token counts as (unit, key, count) triples; keys index `costKeys`. */
  costKeys: string;
  costUnits: Uint32Array;
  costKey: Uint32Array;
  costValues: Uint32Array;
  /** Each unit's name words as term ids, by unit id (a deleted unit's list is empty). */
  names: PackedLists;
  /** The stem of every term that is a word of a name: `stems` (packed) aligned with `stemTerms`. */
  stemTerms: Uint32Array;
  stems: string;
}

/** Per file: its documents in the three searches and the definitions it contributed. */
interface FileState {
  fileDoc: number;
  classDocs: number[];
  /** Name → this file's units defining it, in symbol order; derived again from the file when not kept (after a restore). */
  defs?: Map<string, number[]>;
}

/**
 * Everything retrieval needs, derived from an index snapshot: the units, their
 * lines, BM25 over units, whole classes and whole files, definitions by name,
 * the unit reference graph, and a verbatim phrase search.
 *
 * It is kept current one file at a time (`sync`): a changed file updates only
 * its own units, postings, definitions and edges, plus the edges of files that
 * name a definition it added or removed. A unit that survives an edit (same
 * kind, name and occurrence) keeps its id, so other files' edges into it stay
 * valid. Results never depend on ids or on the order of edits: every tie is
 * broken by (path, line), every map a consumer iterates is kept in path order,
 * and the graph walk visits units in that order, so a package built after any
 * sequence of edits is the one a fresh build gives.
 */
export class RetrievalIndex {
  /** By unit id; ids of deleted units hold their last value and are never handed out again. */
  readonly units: Unit[];
  /** Path-ordered, like `files` and `unitsByFile`. */
  readonly lines = new FileLines();
  readonly files = new Map<WorkspacePath, IndexedFile>();
  readonly unitsByFile = new Map<WorkspacePath, number[]>();
  /** Simple and qualified names (as written) → units defining them, in (path, line) order. */
  readonly definitions: Map<string, number[]>;
  readonly vocabulary: Vocabulary;
  /** Documents are unit versions: `docUnit` maps a hit back to its unit. */
  readonly unitSearch: Bm25Index;
  readonly fileSearch: Bm25Index;
  /** BM25 over whole classes (header and methods); `classOf` is each unit's innermost class document (-1: none). */
  readonly classSearch: Bm25Index;
  readonly classOf: number[];
  /** Exact token counts of rendered spans, per unit and (encoding, detail): spans render the same every time. */
  readonly tokenCosts: Map<number, Map<string, number>>;

  private readonly unitDoc: number[];
  /** A hash of the text each unit's document was derived from: an edit re-derives only units whose text changed. */
  private readonly unitHash: number[];
  private readonly docUnit: number[];
  private readonly docFile: WorkspacePath[];
  /** Class document → (path, position among the file's classes), its place in a fresh build. */
  private readonly classKey: [WorkspacePath, number][];
  private readonly state: Map<WorkspacePath, FileState>;
  private readonly outTargets: (Uint32Array | undefined)[];
  private readonly outWeights: (Float32Array | undefined)[];
  private order: Uint32Array | undefined;
  private centralCache: { unit: number; score: number }[] | undefined;
  private readonly lowered = new Map<WorkspacePath, string>();
  /** Each unit's name words as term ids (`nameTerms`); a restored index has every live unit's. */
  private readonly nameTermsByUnit: (Uint32Array | undefined)[] = [];
  /** The Porter2 stem of each term that is a word of some unit's name, by term id. */
  private readonly stemByTerm: string[] = [];

  private constructor(dump?: RetrievalDump) {
    this.units = dump ? unpackUnits(dump.units) : [];
    this.definitions = new Map();
    this.vocabulary = dump ? Vocabulary.fromTerms(unpackStrings(dump.terms)) : new Vocabulary();
    this.unitSearch = dump ? Bm25Index.load(dump.unitSearch, UNIT_BM25) : new Bm25Index(UNIT_BM25);
    this.fileSearch = dump ? Bm25Index.load(dump.fileSearch) : new Bm25Index();
    this.classSearch = dump ? Bm25Index.load(dump.classSearch) : new Bm25Index();
    this.classOf = dump ? Array.from(dump.classOf) : [];
    this.tokenCosts = new Map();
    this.unitDoc = dump ? Array.from(dump.unitDoc) : [];
    this.unitHash = dump ? Array.from(dump.unitHashes) : [];
    this.docUnit = dump ? Array.from(dump.docUnit) : [];
    this.docFile = dump ? unpackStrings(dump.docFiles) : [];
    this.classKey = [];
    this.state = new Map();
    this.outTargets = [];
    this.outWeights = [];
    if (!dump) return;
    const names = unpackStrings(dump.definitionNames);
    names.forEach((name, i) => this.definitions.set(name, unpackList(dump.definitions, i)));
    const keyPaths = unpackStrings(dump.classKeyPaths);
    dump.classKeyIndex.forEach((k, doc) => (this.classKey[doc] = [keyPaths[doc]!, k]));
    unpackStrings(dump.paths).forEach((p, i) => {
      this.unitsByFile.set(p, unpackList(dump.unitsByFile, i));
      this.state.set(p, { fileDoc: dump.fileDocs[i]!, classDocs: unpackList(dump.classDocs, i) });
    });
    const { edgeOffsets: at, edgeTargets, edgeWeights } = dump;
    for (let u = 0; u + 1 < at.length; u++) {
      if (at[u] === at[u + 1]) continue;
      this.outTargets[u] = edgeTargets.subarray(at[u]!, at[u + 1]!);
      this.outWeights[u] = edgeWeights.subarray(at[u]!, at[u + 1]!);
    }
    for (const ids of this.unitsByFile.values()) for (const u of ids) this.nameTermsByUnit[u] = listView(dump.names, u);
    const stems = unpackStrings(dump.stems);
    if (stems.length !== dump.stemTerms.length) throw new Error("the name words' stems do not fit their terms");
    dump.stemTerms.forEach((t, i) => (this.stemByTerm[t] = stems[i]!));
    for (const t of dump.names.items)
      if (this.stemByTerm[t] === undefined) throw new Error(`name word ${t} has no stem`);
    const keys = unpackStrings(dump.costKeys);
    dump.costUnits.forEach((u, i) => {
      let m = this.tokenCosts.get(u);
      if (!m) this.tokenCosts.set(u, (m = new Map()));
      m.set(keys[dump.costKey[i]!]!, dump.costValues[i]!);
    });
  }

  static build(snapshot: IndexSnapshot, read: TextReader): RetrievalIndex {
    const index = new RetrievalIndex();
    index.sync(snapshot, read);
    return index;
  }

  /**
   * A persisted index brought back and synced with `snapshot`: files whose
   * hash still matches are read again when first needed (their text is not stored); the rest
   * are re-derived, added or dropped as `sync` would. The result is the index
   * a fresh build gives.
   */
  static restore(dump: RetrievalDump, snapshot: IndexSnapshot, read: TextReader): RetrievalIndex {
    if (dump.schema !== RETRIEVAL_SCHEMA_VERSION)
      throw new Error(`retrieval index schema ${String(dump.schema)} != ${RETRIEVAL_SCHEMA_VERSION}`);
    const index = new RetrievalIndex(dump);
    const current = new Map<WorkspacePath, IndexedFile>();
    for (const f of snapshot.files()) current.set(f.path, f);
    const paths = unpackStrings(dump.paths);
    const hashes = unpackStrings(dump.hashes);
    const absPaths = unpackStrings(dump.absPaths);
    const standIns = new Set<WorkspacePath>();
    paths.forEach((path, i) => {
      const file = current.get(path);
      if (file && file.hash === hashes[i] && file.absPath === absPaths[i]) {
        // Read when first shown: most files never are.
        index.files.set(path, file);
        index.lines.setText(path, () => read(file));
        index.adoptPath(path, file.path);
      } else {
        // A file that changed since is kept as a stand-in with no hash, so the sync below re-derives or drops it.
        standIns.add(path);
        index.files.set(path, standIn(path));
        index.lines.set(path, []);
      }
    });
    // A stand-in's symbols are gone, so the definitions it contributed are read back from the table.
    if (standIns.size > 0) {
      for (const p of standIns) index.state.get(p)!.defs = new Map();
      for (const [name, ids] of index.definitions)
        for (const id of ids) {
          const file = index.units[id]!.file;
          if (standIns.has(file)) addTo(index.state.get(file)!.defs!, name, id);
        }
    }
    // Only files that changed, went or came need a sync; the rest were just matched by hash.
    const only: WorkspacePath[] = [];
    for (const p of current.keys()) if (standIns.has(p) || !index.files.has(p)) only.push(p);
    for (const p of standIns) if (!current.has(p)) only.push(p);
    index.sync(snapshot, read, only);
    return index;
  }

  /**
   * Points a restored file's units and documents at the internalized string
   * for its path, which units derived later carry too (`setFile`). The
   * restored strings are slices of one packed string, and comparing the two
   * kinds deoptimized ranking and rendering at the first question after the
   * first edit. One object per path also compares by identity.
   */
  private adoptPath(path: WorkspacePath, indexed: WorkspacePath): void {
    const canonical = internalized(indexed);
    for (const u of this.unitsByFile.get(path) ?? []) this.units[u]!.file = canonical;
    const state = this.state.get(path);
    if (!state) return;
    this.docFile[state.fileDoc] = canonical;
    for (const doc of state.classDocs) this.classKey[doc]![0] = canonical;
  }

  dump(): RetrievalDump {
    // Every live unit's name words go with the dump, so a restore never splits and stems them.
    this.warmNames();
    const paths = [...this.files.keys()];
    const costKeys = new Map<string, number>();
    const costs: [number, number, number][] = [];
    for (const [u, m] of this.tokenCosts)
      for (const [k, v] of m) {
        let key = costKeys.get(k);
        if (key === undefined) costKeys.set(k, (key = costKeys.size));
        costs.push([u, key, v]);
      }
    return {
      schema: RETRIEVAL_SCHEMA_VERSION,
      paths: packStrings(paths),
      hashes: packStrings(paths.map((p) => this.files.get(p)!.hash)),
      absPaths: packStrings(paths.map((p) => this.files.get(p)!.absPath)),
      units: packUnits(this.units),
      unitsByFile: packLists(paths.map((p) => this.unitsByFile.get(p)!)),
      fileDocs: Uint32Array.from(paths, (p) => this.state.get(p)!.fileDoc),
      classDocs: packLists(paths.map((p) => this.state.get(p)!.classDocs)),
      definitionNames: packStrings([...this.definitions.keys()]),
      definitions: packLists(this.definitions.values()),
      terms: packStrings(this.vocabulary.terms),
      unitSearch: this.unitSearch.dump(),
      fileSearch: this.fileSearch.dump(),
      classSearch: this.classSearch.dump(),
      classOf: Int32Array.from(this.classOf, (c) => c ?? -1),
      unitDoc: Uint32Array.from(this.unitDoc, (d) => d ?? 0),
      unitHashes: Float64Array.from(this.unitHash, (h) => h ?? -1),
      docUnit: Uint32Array.from(this.docUnit, (u) => u ?? 0),
      docFiles: packStrings(this.docFile),
      classKeyPaths: packStrings(this.classKey.map((k) => k[0])),
      classKeyIndex: Uint32Array.from(this.classKey, (k) => k[1]),
      ...this.packedEdges(),
      costKeys: packStrings([...costKeys.keys()]),
      costUnits: Uint32Array.from(costs, (c) => c[0]),
      costKey: Uint32Array.from(costs, (c) => c[1]),
      costValues: Uint32Array.from(costs, (c) => c[2]),
      ...this.packedNames(),
    };
  }

  /** What the latest `sync` changed. */
  lastSync: SyncStats = { added: 0, changed: 0, removed: 0, relinked: 0, units: 0 };

  /**
   * Brings the index in line with `snapshot`: files that are new or whose
   * content hash changed are read and re-derived, files that are gone are
   * dropped. `only`, when given, lists every path that may have changed (the
   * index's change feed); otherwise the whole snapshot is compared, one map
   * lookup per unchanged file.
   */
  sync(snapshot: IndexSnapshot, read: TextReader, only?: readonly WorkspacePath[]): SyncStats {
    const stats: SyncStats = { added: 0, changed: 0, removed: 0, relinked: 0, units: 0 };
    this.lastSync = stats;
    const incoming: { file: IndexedFile; lines: string[] }[] = [];
    const removed: WorkspacePath[] = [];
    const consider = (file: IndexedFile) => {
      const known = this.files.get(file.path);
      if (known && known.hash === file.hash && known.absPath === file.absPath) return true;
      const text = read(file);
      // Gone or no longer text since it was indexed: a fresh build would leave it out too.
      if (text === undefined) return false;
      incoming.push({ file, lines: text.split("\n") });
      return true;
    };
    if (only) {
      for (const p of new Set(only)) {
        const file = snapshot.get(p);
        if ((!file || !consider(file)) && this.files.has(p)) removed.push(p);
      }
    } else {
      const seen = new Set<WorkspacePath>();
      for (const file of snapshot.files()) if (consider(file)) seen.add(file.path);
      for (const p of this.files.keys()) if (!seen.has(p)) removed.push(p);
    }
    if (incoming.length === 0 && removed.length === 0) return stats;

    const changedNames = new Set<string>();
    const relink = new Set<WorkspacePath>();
    // A new path would sit at the end of the path-keyed maps; a removal keeps their order.
    let newPaths = false;
    for (const p of removed) {
      this.dropFile(p, changedNames);
      stats.removed++;
    }
    incoming.sort((a, b) => compareStrings(a.file.path, b.file.path));
    for (const { file, lines } of incoming) {
      if (this.files.has(file.path)) stats.changed++;
      else {
        stats.added++;
        newPaths = true;
      }
      stats.units += this.setFile(file, lines, changedNames);
      relink.add(file.path);
    }
    if (newPaths) this.restoreOrder();
    if (changedNames.size > 0 && relink.size < this.files.size) {
      for (const [p, f] of this.files) {
        if (relink.has(p)) continue;
        for (const name of changedNames)
          if (Object.hasOwn(f.refs, name)) {
            relink.add(p);
            break;
          }
      }
    }
    for (const p of relink) this.linkFile(p);
    stats.relinked = relink.size;
    for (const search of [this.unitSearch, this.fileSearch, this.classSearch]) search.settle();
    this.order = undefined;
    this.centralCache = undefined;
    return stats;
  }

  private packedNames(): Pick<RetrievalDump, "names" | "stemTerms" | "stems"> {
    const names = packLists(Array.from({ length: this.units.length }, (_, u) => this.nameTermsByUnit[u] ?? []));
    const stemTerms: number[] = [];
    const stems: string[] = [];
    this.stemByTerm.forEach((stem, t) => {
      stemTerms.push(t);
      stems.push(stem);
    });
    return { names, stemTerms: Uint32Array.from(stemTerms), stems: packStrings(stems) };
  }

  private packedEdges(): Pick<RetrievalDump, "edgeOffsets" | "edgeTargets" | "edgeWeights"> {
    const n = this.units.length;
    let size = 0;
    for (let u = 0; u < n; u++) size += this.outTargets[u]?.length ?? 0;
    const edgeOffsets = new Float64Array(n + 1);
    const edgeTargets = new Uint32Array(size);
    const edgeWeights = new Float32Array(size);
    let k = 0;
    for (let u = 0; u < n; u++) {
      edgeOffsets[u] = k;
      const t = this.outTargets[u];
      if (!t) continue;
      edgeTargets.set(t, k);
      edgeWeights.set(this.outWeights[u]!, k);
      k += t.length;
    }
    edgeOffsets[n] = k;
    return { edgeOffsets, edgeTargets, edgeWeights };
  }

  /**
   * The words of a unit's simple name, as term ids (see `nameWords`), kept by
   * unit because every question reads every name: a unit that survives an
   * edit keeps its id and its name. A unit's name is in its own document, so
   * its words always have ids. Their stems are `stemOf`.
   */
  nameTerms(unit: number): Uint32Array {
    let terms = this.nameTermsByUnit[unit];
    if (!terms) {
      const { words, stems } = nameWords(simpleName(this.units[unit]!.name));
      const ids: number[] = [];
      words.forEach((w, i) => {
        const id = this.vocabulary.lookup(w);
        if (id === undefined) return;
        ids.push(id);
        this.stemByTerm[id] ??= stems[i]!;
      });
      this.nameTermsByUnit[unit] = terms = Uint32Array.from(ids);
    }
    return terms;
  }

  /** The Porter2 stem of a term that `nameTerms` returned. */
  stemOf(term: number): string {
    return this.stemByTerm[term]!;
  }

  /** The terms a unit's name adds to its document, once (the document has them twice). */
  private nameCounts(unit: Unit): Map<number, number> {
    const counts = new Map<number, number>();
    if (unit.name !== "<module>") this.vocabulary.count(unit.name, counts);
    return counts;
  }

  /** Splits and stems every unit's name now (a host's warm-up), rather than in the first question. */
  warmNames(): void {
    for (const u of this.unitOrder()) this.nameTerms(u);
  }

  /** Live units in (path, line) order. */
  unitOrder(): Uint32Array {
    if (!this.order) {
      let n = 0;
      for (const ids of this.unitsByFile.values()) n += ids.length;
      const order = new Uint32Array(n);
      let k = 0;
      for (const ids of this.unitsByFile.values()) for (const id of ids) order[k++] = id;
      this.order = order;
    }
    return this.order;
  }

  /** The unit reference graph over live units. */
  get graph(): Graph {
    return { nodes: this.units.length, order: this.unitOrder(), targets: this.outTargets, weights: this.outWeights };
  }

  /** Query terms that occur somewhere in the index now (terms of deleted text are not). */
  query(text: string): Map<number, number> {
    const out = this.vocabulary.query(text);
    for (const t of out.keys()) if (this.unitSearch.df(t) === 0 && this.fileSearch.df(t) === 0) out.delete(t);
    return out;
  }

  /** A unit's document: its term counts. */
  unitTermCounts(unit: number): Map<number, number> {
    return this.unitSearch.countsOf(this.unitDoc[unit]!);
  }

  /** BM25 over units: hits name units. */
  searchUnits(query: ReadonlyMap<number, number>, limit: number): Bm25Hit[] {
    const hits = this.unitSearch.search(query, limit, (a, b) => this.compareUnits(this.docUnit[a]!, this.docUnit[b]!));
    for (const h of hits) h.doc = this.docUnit[h.doc]!;
    return hits;
  }

  /** BM25 over whole files. */
  searchFiles(query: ReadonlyMap<number, number>, limit: number): { file: WorkspacePath; score: number }[] {
    const hits: { file: WorkspacePath; score: number }[] = [];
    // Pushed, not mapped, as in `Bm25Index.search`.
    for (const h of this.fileSearch.search(query, limit, (a, b) => compareStrings(this.docFile[a]!, this.docFile[b]!)))
      hits.push({ file: this.docFile[h.doc]!, score: h.score });
    return hits;
  }

  /** BM25 over whole classes: hits are class documents, as in `classOf`. */
  searchClasses(query: ReadonlyMap<number, number>, limit: number): Bm25Hit[] {
    return this.classSearch.search(query, limit, (a, b) => {
      const [pa, ia] = this.classKey[a]!;
      const [pb, ib] = this.classKey[b]!;
      return compareStrings(pa, pb) || ia - ib;
    });
  }

  /** The fixed order of units: by path, then line. */
  compareUnits(a: number, b: number): number {
    const ua = this.units[a]!;
    const ub = this.units[b]!;
    return compareStrings(ua.file, ub.file) || ua.start - ub.start;
  }

  /**
   * The units the rest of the code leans on most (PageRank with no seeds
   * preferred): the repository's backbone, for questions that name nothing.
   */
  central(limit: number): { unit: number; score: number }[] {
    if (!this.centralCache) {
      const all = new Map<number, number>();
      for (const u of this.unitOrder()) if (this.units[u]!.kind !== "block") all.set(u, 1);
      const rank = personalizedPageRank(this.graph, all);
      const top = [...all.keys()]
        .map((u) => [u, rank[u]!] as const)
        .sort((a, b) => b[1] - a[1] || this.compareUnits(a[0], b[0]))
        .slice(0, 100);
      const max = top[0]?.[1] ?? 1;
      this.centralCache = top.map(([unit, r]) => ({ unit, score: r / max }));
    }
    return this.centralCache.slice(0, limit);
  }

  /** Units with a line containing `text` verbatim (case-insensitively), at most `limit`. */
  unitsContaining(text: string, limit: number): number[] {
    const needle = text.toLowerCase();
    const out = new Set<number>();
    for (const file of this.lines.keys()) {
      let lower = this.lowered.get(file);
      if (lower === undefined) this.lowered.set(file, (lower = this.lines.text(file)!.toLowerCase()));
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
   * (Re)derives one file: units (reusing the ids of those that survive), postings, classes,
   * definitions. Returns how many of its unit documents were derived again.
   */
  private setFile(file: IndexedFile, lines: string[], changedNames: Set<string>): number {
    const path = internalized(file.path);
    const previous = this.unitsByFile.get(path) ?? [];
    const reusable = new Map<string, number[]>();
    for (const id of previous) {
      const key = unitKey(this.units[id]!);
      const list = reusable.get(key);
      if (list) list.push(id);
      else reusable.set(key, [id]);
    }
    const old = this.state.get(path);
    // Read before any of the file's units are replaced: after a restore they are derived from them.
    const before = old ? this.defsOf(path) : new Map<string, number[]>();
    if (old) {
      this.fileSearch.remove(old.fileDoc);
      for (const d of old.classDocs) this.classSearch.remove(d);
    }
    for (const id of previous) this.tokenCosts.delete(id);
    this.lowered.delete(path);

    const ids: number[] = [];
    const unitCounts = new Map<number, Map<number, number>>();
    const pathCounts = new Map<number, number>();
    this.vocabulary.count(path.replace(/[/.-]/g, " "), pathCounts);
    const whole = new Map(pathCounts);
    // Units whose text is what their document was derived from keep it: an edit re-tokenizes only what it changed.
    const kept = new Set<number>();
    // Blank runs join the unit before them, so the gap after a function (where code is often
    // inserted) is shown with it; a leading blank run is dropped.
    for (const unit of unitsOf(file, { path, isBlank: (a, b) => isBlank(lines, a, b) })) {
      const id = reusable.get(unitKey(unit))?.shift() ?? this.units.length;
      // Blank lines add no terms: a blank run joined after the unit leaves its document as it was.
      const hash = textHash(lines, unit.start, lastNonBlankLine(lines, unit.start, unit.end));
      this.units[id] = unit;
      ids.push(id);
      // Only a surviving unit has a hash here: new ids are never handed out twice.
      if (this.unitHash[id] === hash) {
        const counts = this.unitSearch.countsOf(this.unitDoc[id]!);
        addLineCounts(whole, counts, pathCounts, this.nameCounts(unit));
        unitCounts.set(id, counts);
        kept.add(id);
        continue;
      }
      this.unitHash[id] = hash;
      // A unit is its lines, its name (twice: names are the strongest words) and its file's path.
      const counts = new Map(pathCounts);
      if (unit.name !== "<module>") this.vocabulary.count(unit.name, counts, 2);
      for (let l = unit.start; l <= unit.end; l++) this.vocabulary.countBoth(lines[l - 1] ?? "", counts, whole);
      unitCounts.set(id, counts);
    }
    for (const id of previous) if (!kept.has(id)) this.unitSearch.remove(this.unitDoc[id]!);
    // New postings go in once the file's old documents are out.
    for (const id of ids) {
      if (kept.has(id)) continue;
      const doc = this.unitSearch.add(unitCounts.get(id)!);
      this.unitDoc[id] = doc;
      this.docUnit[doc] = id;
    }
    for (const list of reusable.values()) for (const id of list) this.killUnit(id);
    this.unitsByFile.set(path, ids);
    this.files.set(path, file);
    this.lines.set(path, lines);

    // Classes as documents: a class about the question lifts its methods, as a file lifts its units.
    for (const id of ids) this.classOf[id] = -1;
    const classDocs: number[] = [];
    const classes = file.symbols
      .filter((c) => c.kind === "class" || c.kind === "interface")
      .sort((a, b) => a.qualifiedName.length - b.qualifiedName.length);
    for (const c of classes) {
      const members = ids.filter((id) => {
        const name = this.units[id]!.name;
        return name === c.qualifiedName || name.startsWith(c.qualifiedName + ".");
      });
      if (members.length === 0) continue;
      const counts = new Map<number, number>();
      for (const id of members) for (const [t, n] of unitCounts.get(id)!) counts.set(t, (counts.get(t) ?? 0) + n);
      const doc = this.classSearch.add(counts);
      this.classKey[doc] = [path, classDocs.length];
      classDocs.push(doc);
      for (const id of members) this.classOf[id] = doc; // inner classes come later and overwrite: the innermost wins
    }
    const fileDoc = this.fileSearch.add(whole);
    this.docFile[fileDoc] = path;

    const defs = new Map<string, number[]>();
    for (const s of file.symbols) {
      const unit = this.unitAt(path, s.start);
      if (unit === undefined) continue;
      addTo(defs, s.name, unit);
      if (s.qualifiedName !== s.name) addTo(defs, s.qualifiedName, unit);
    }
    for (const name of new Set([...before.keys(), ...defs.keys()])) {
      if (sameList(before.get(name), defs.get(name))) continue;
      changedNames.add(name);
      this.placeDefinitions(name, path, defs.get(name) ?? []);
    }
    this.state.set(path, { fileDoc, classDocs, defs });
    return ids.length - kept.size;
  }

  private dropFile(path: WorkspacePath, changedNames: Set<string>): void {
    const old = this.state.get(path);
    if (old) {
      this.fileSearch.remove(old.fileDoc);
      for (const d of old.classDocs) this.classSearch.remove(d);
      for (const name of this.defsOf(path).keys()) {
        changedNames.add(name);
        this.placeDefinitions(name, path, []);
      }
    }
    for (const id of this.unitsByFile.get(path) ?? []) {
      this.unitSearch.remove(this.unitDoc[id]!);
      this.killUnit(id);
    }
    this.state.delete(path);
    this.unitsByFile.delete(path);
    this.files.delete(path);
    this.lines.delete(path);
    this.lowered.delete(path);
  }

  /** The definitions a file contributed: kept since it was derived, or derived again from its symbols and units. */
  private defsOf(path: WorkspacePath): Map<string, number[]> {
    const state = this.state.get(path)!;
    if (!state.defs) {
      const defs = new Map<string, number[]>();
      for (const s of this.files.get(path)?.symbols ?? []) {
        const unit = this.unitAt(path, s.start);
        if (unit === undefined) continue;
        addTo(defs, s.name, unit);
        if (s.qualifiedName !== s.name) addTo(defs, s.qualifiedName, unit);
      }
      state.defs = defs;
    }
    return state.defs;
  }

  private killUnit(id: number): void {
    this.tokenCosts.delete(id);
    this.outTargets[id] = undefined;
    this.outWeights[id] = undefined;
    this.nameTermsByUnit[id] = undefined;
    this.classOf[id] = -1;
  }

  /** Replaces `path`'s entries in the list for `name`, keeping the list in path order. */
  private placeDefinitions(name: string, path: WorkspacePath, ids: readonly number[]): void {
    const list = (this.definitions.get(name) ?? []).filter((u) => this.units[u]!.file !== path);
    let at = 0;
    while (at < list.length && this.units[list[at]!]!.file < path) at++;
    list.splice(at, 0, ...ids);
    if (list.length > 0) this.definitions.set(name, list);
    else this.definitions.delete(name);
  }

  /**
   * Edges from each of the file's units to the units defining the names it
   * references, weighted by how specific the name is: a name defined once
   * says more than one defined in thirty places.
   */
  private linkFile(path: WorkspacePath): void {
    const file = this.files.get(path)!;
    const edges = new Map<number, Map<number, number>>();
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
    for (const id of this.unitsByFile.get(path) ?? []) {
      const e = normalizedEdges(edges.get(id));
      this.outTargets[id] = e?.[0];
      this.outWeights[id] = e?.[1];
    }
  }

  /** Re-inserts the path-keyed maps in path order (a new path would otherwise sit at the end). */
  private restoreOrder(): void {
    const paths = [...this.files.keys()].sort(compareStrings);
    for (const map of [this.files, this.unitsByFile] as Map<WorkspacePath, unknown>[]) {
      const entries = paths.map((p) => [p, map.get(p)] as const);
      map.clear();
      for (const [p, v] of entries) map.set(p, v);
    }
    this.lines.reorder(paths);
  }
}

function standIn(path: WorkspacePath): IndexedFile {
  return {
    path,
    absPath: "",
    hash: "",
    size: 0,
    lang: "text",
    lines: 0,
    symbols: [],
    refs: {},
    imports: [],
    errors: [],
  };
}

/** What identifies a unit across edits of its file: kind and name (occurrences are matched in order). */
function unitKey(unit: Unit): string {
  return `${unit.kind}\u0000${unit.name}`;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameList(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function addTo(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

/**
 * A unit's text, hashed: 48 bits of SHA-1 over its lines, exact in a double.
 * Two different texts share one with odds of about 1 in 10^14 per comparison.
 */
function textHash(lines: readonly string[], start: number, end: number): number {
  return parseInt(contentHash(lines.slice(start - 1, end).join("\n")).slice(0, 12), 16);
}

/** Adds a unit document's line terms to its file's counts: the document less its path's terms and its name's (twice). */
function addLineCounts(
  whole: Map<number, number>,
  unitCounts: ReadonlyMap<number, number>,
  pathCounts: ReadonlyMap<number, number>,
  nameCounts: ReadonlyMap<number, number>,
): void {
  for (const [t, n] of unitCounts) {
    const lineCount = n - (pathCounts.get(t) ?? 0) - 2 * (nameCounts.get(t) ?? 0);
    if (lineCount > 0) whole.set(t, (whole.get(t) ?? 0) + lineCount);
  }
}

/**
 * The one internalized string for a path, as V8 keeps property names. The
 * index's own path strings come in several representations (read from its
 * cache, or a thin string left where a new path became a property name), and
 * a new one reaching ranking or rendering after an edit deoptimizes them.
 */
function internalized(path: WorkspacePath): WorkspacePath {
  return Object.keys({ [path]: 0 })[0]!;
}

/** 1-based line number of a character offset. */
function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
