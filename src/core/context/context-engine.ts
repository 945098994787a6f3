import * as fs from "node:fs";
import { readIndexedText } from "../index/read-text";
import type { WorkspaceIndex } from "../index/workspace-index";
import { buildContext } from "./build-context";
import { tableScorer } from "./line-scorer";
import { errorMessage } from "../result";
import { loadRetrieval, saveRetrieval } from "./retrieval-cache";
import { RetrievalIndex, type SyncStats } from "./retrieval-index";
import { DEFAULT_ENCODING, TokenCounter, isEncoding } from "./token-counter";
import { WorkerEncoder } from "./worker-encoder";
import type { ContextOptions, ContextPackage, HistoryLookup, LineScoringModel } from "./types";

/** The model scores the lines of a lexical draft this much larger than the budget, then the final pack is chosen. */
const DRAFT_FACTOR = 1.5;

/** How the retrieval index has been kept current: built once, then synced file by file. */
export interface EngineCounts {
  builds: number;
  syncs: number;
  /** Times the index came back from the persisted cache instead of a build. */
  restores: number;
  lastSync?: SyncStats;
}

/** What a warm-up did: how the retrieval index was brought up to date ("current" when it already was). */
export interface WarmUp {
  ms: number;
  how: "built" | "restored" | "synced" | "current";
  sync?: SyncStats;
}

/** One log line for a warm-up, the same from every host. */
export function describeWarmUp(w: WarmUp): string {
  const ms = Math.round(w.ms);
  if (w.how === "current") return `token counter loaded in ${ms} ms`;
  const s = w.sync;
  return w.how === "synced" && s
    ? `retrieval index synced in ${ms} ms: ${s.changed} changed, ${s.added} added, ${s.removed} removed, ${s.relinked} relinked`
    : `retrieval index ${w.how} in ${ms} ms`;
}

/**
 * Keeps the retrieval index in step with a workspace index and builds
 * context packages from it. The retrieval index is built on the first
 * question, then brought up to date on the first question after each change
 * of the workspace index, by re-deriving only the files that changed.
 */
export class ContextEngine {
  private retrieval: { version: number; index: RetrievalIndex } | undefined;
  private readonly counters = new Map<string, TokenCounter>();
  readonly counts: EngineCounts = { builds: 0, syncs: 0, restores: 0 };
  private savedVersion: number | undefined;
  private lastPrepare: WarmUp["how"] = "current";
  private history: Pick<ContextOptions, "history" | "historyUnavailable"> = {};

  /**
   * `cacheFile` persists the retrieval index (see `retrieval-cache.ts`): the
   * first question after a restart restores it; `save` writes it. `log` hears
   * when a persisted index is rejected and rebuilt.
   */
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly options: { cacheFile?: string; log?: (line: string) => void } = {},
  ) {}

  /** Brings the retrieval index up to date; returns the milliseconds it took (0 when it was current). */
  prepare(): number {
    if (this.retrieval?.version === this.index.version) {
      this.lastPrepare = "current";
      return 0;
    }
    const t = performance.now();
    if (this.retrieval) {
      const changed = this.index.changedSince(this.retrieval.version);
      this.counts.lastSync = this.retrieval.index.sync(this.index, readIndexedText, changed);
      this.counts.syncs++;
      this.lastPrepare = "synced";
      this.retrieval.version = this.index.version;
    } else {
      this.retrieval = { version: this.index.version, index: this.restoreOrBuild() };
    }
    return performance.now() - t;
  }

  /**
   * Everything the first question would otherwise pay for: the retrieval index
   * (built, restored or synced), its units' name words for the name signal,
   * and the default token counter (tiktoken takes a fraction of a second to
   * load). Hosts call it when the index is ready.
   * Says what it did, or undefined when nothing was left to do.
   */
  warmUp(): WarmUp | undefined {
    const t = performance.now();
    const fresh = !this.counters.has(DEFAULT_ENCODING);
    this.prepare();
    this.retrieval!.index.warmNames();
    // A count waits for an encoder still loading on its worker.
    this.counter().count("");
    if (this.lastPrepare === "current" && !fresh) return undefined;
    const how = this.lastPrepare;
    return { ms: performance.now() - t, how, ...(how === "synced" ? { sync: this.counts.lastSync } : {}) };
  }

  private restoreOrBuild(): RetrievalIndex {
    const file = this.options.cacheFile;
    const loaded = file ? loadRetrieval(file) : { kind: "missing" as const };
    if (loaded.kind === "loaded") {
      try {
        const restored = RetrievalIndex.restore(loaded.dump, this.index, readIndexedText);
        this.counts.restores++;
        this.counts.lastSync = restored.lastSync;
        this.lastPrepare = "restored";
        if (restored.lastSync.added + restored.lastSync.changed + restored.lastSync.removed === 0)
          this.savedVersion = this.index.version;
        return restored;
      } catch (e) {
        this.options.log?.(`retrieval cache ${file} could not be restored (${errorMessage(e)}); rebuilding it`);
      }
    } else if (loaded.kind === "rejected") {
      this.options.log?.(`retrieval cache ${file} rejected (${loaded.reason}); rebuilding it`);
    }
    this.counts.builds++;
    this.lastPrepare = "built";
    return RetrievalIndex.build(this.index, readIndexedText);
  }

  /** Persists the retrieval index when it changed since the last save; a no-op without `cacheFile`. */
  async save(): Promise<void> {
    const file = this.options.cacheFile;
    if (!file || !this.retrieval || this.savedVersion === this.retrieval.version) return;
    const version = this.retrieval.version;
    await saveRetrieval(file, this.retrieval.index.dump());
    this.savedVersion = version;
  }

  /**
   * The repository's history for every later build (a host reads it in the
   * background and hands it over when ready), or why there is none yet.
   * Options passed to a build win over this.
   */
  useHistory(history: HistoryLookup | { unavailable: string }): void {
    this.history = "unavailable" in history ? { historyUnavailable: history.unavailable } : { history };
  }

  private withHistory(options: ContextOptions): ContextOptions {
    return options.history || options.historyUnavailable ? options : { ...this.history, ...options };
  }

  build(question: string, given: ContextOptions): ContextPackage {
    const options = this.withHistory(given);
    const prepareMs = this.prepare();
    const pack = buildContext(this.retrieval!.index, this.counter(options.encoding), question, options);
    if (prepareMs > 0) pack.stats.ms.prepare = Math.round(prepareMs);
    return pack;
  }

  /**
   * Builds with a local model's line scores: a lexical draft (a little over
   * budget) picks the candidate units, the model scores all their lines, and
   * the final package prunes with those scores. If the model fails or the
   * request is cancelled, the package is built with the lexical scorer and
   * says why; this never throws for the model's sake.
   */
  async buildScored(
    question: string,
    given: ContextOptions,
    model: LineScoringModel,
    signal?: AbortSignal,
  ): Promise<ContextPackage> {
    const options = this.withHistory(given);
    const prepareMs = this.prepare();
    const index = this.retrieval!.index;
    const counter = this.counter(options.encoding);
    const t = performance.now();
    const draft = buildContext(index, counter, question, {
      ...options,
      budget: Math.round(options.budget * DRAFT_FACTOR),
    });
    const texts: string[] = [];
    const where: [string, number][] = [];
    const seen = new Set<number>();
    for (const span of draft.spans) {
      const id = index.unitAt(span.file, span.ranges[0]![0]);
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      const unit = index.units[id]!;
      const lines = index.lines.get(unit.file)!;
      for (let n = unit.start; n <= unit.end; n++) {
        texts.push(lines[n - 1] ?? "");
        where.push([unit.file, n]);
      }
    }
    let scores: Float32Array;
    try {
      scores = await model.scoreLines(question, texts, signal);
    } catch (e) {
      const pack = buildContext(index, counter, question, options);
      const why = signal?.aborted ? "scoring was cancelled" : `local model failed: ${(e as Error).message}`;
      pack.scorer = { kind: "lexical", fallback: why };
      return pack;
    }
    const modelMs = performance.now() - t;
    const table = new Map<string, Map<number, number>>();
    where.forEach(([file, n], i) => {
      let m = table.get(file);
      if (!m) table.set(file, (m = new Map()));
      m.set(n, scores[i]!);
    });
    const pack = buildContext(index, counter, question, options, tableScorer(model.info, table));
    pack.stats.ms.model = Math.round(modelMs);
    pack.stats.ms.total = Math.round(performance.now() - t);
    if (prepareMs > 0) pack.stats.ms.prepare = Math.round(prepareMs);
    return pack;
  }

  get retrievalIndex(): RetrievalIndex | undefined {
    return this.retrieval?.index;
  }

  /**
   * Starts loading the default token counter on a worker thread (see
   * `worker-encoder.ts`), so it loads beside the index instead of after it.
   * Hosts call it when they open a workspace. Only a warm start (a persisted
   * retrieval index) gains: after a cold build the encoder loads with the
   * warm-up, once the parse workers are gone, and adds nothing to the build's
   * peak memory. `script` overrides where the token worker is. Says whether
   * it started the worker.
   *
   * The cache file is not read ahead here: its bytes would outlive the
   * garbage collection that their allocation triggers, and stay in memory
   * (70 MB on babel) until the next full one.
   */
  preload(options: { script?: string } = {}): boolean {
    const file = this.options.cacheFile;
    if (this.retrieval || this.counters.has(DEFAULT_ENCODING) || !file || !fs.existsSync(file)) return false;
    const encoder = new WorkerEncoder(DEFAULT_ENCODING, { log: this.options.log, script: options.script });
    this.counters.set(DEFAULT_ENCODING, new TokenCounter(DEFAULT_ENCODING, undefined, encoder));
    return true;
  }

  counter(encoding = DEFAULT_ENCODING as string): TokenCounter {
    if (!isEncoding(encoding)) throw new Error(`unknown encoding "${encoding}"`);
    let c = this.counters.get(encoding);
    if (!c) this.counters.set(encoding, (c = new TokenCounter(encoding)));
    return c;
  }

  dispose(): void {
    for (const c of this.counters.values()) c.dispose();
    this.counters.clear();
  }
}
