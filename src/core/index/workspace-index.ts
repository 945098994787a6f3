import { readFileSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { errorMessage } from "../result";
import {
  type CacheData,
  type CachedOutcome,
  cacheFileFor,
  contentHash,
  emptyCache,
  loadCache,
  saveCache,
} from "./cache";
import { type DiscoverOptions, IGNORE_FILES, discoverFiles, isPathIgnored } from "./discover";
import { languageForPath } from "./languages";
import type { FileParser, ParseOutcome } from "./parse-file";
import {
  type IndexProblem,
  type IndexStats,
  type IndexedFile,
  type SkipReason,
  type WorkspacePath,
  emptySkipped,
} from "./types";

export interface WorkspaceFolder {
  name: string;
  path: string;
}

export interface IndexOptions {
  parser: FileParser;
  /** Where caches are kept; none means no persistence. */
  cacheDir?: string;
  maxFileBytes?: number;
  exclude?: readonly string[];
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const READ_CONCURRENCY = 32;

interface FolderState {
  folder: WorkspaceFolder;
  root: string;
  cache: CacheData;
  skipped: Record<SkipReason, number>;
  dirty: boolean;
}

export type UpdateKind = "added" | "changed" | "removed" | "unchanged" | "skipped";

/**
 * The symbol index of a workspace: built once from disk (or cache), then kept
 * current one file at a time. It never calls a model and never touches the editor.
 */
export class WorkspaceIndex {
  private readonly byPath = new Map<WorkspacePath, IndexedFile>();
  private readonly folders: FolderState[];
  private readonly problemList: IndexProblem[] = [];
  private lastBuildMs = 0;
  private versionCounter = 0;
  /** Paths changed one at a time since `fullChangeAt` (a build), with the version each change made. */
  private changeLog: [number, WorkspacePath][] = [];
  private fullChangeAt = 0;
  private fromCacheCount = 0;

  constructor(
    folders: readonly WorkspaceFolder[],
    private readonly options: IndexOptions,
  ) {
    this.folders = folders.map((folder) => ({
      folder,
      root: path.resolve(folder.path),
      cache: emptyCache(path.resolve(folder.path)),
      skipped: emptySkipped(),
      dirty: false,
    }));
  }

  private get discoverOptions(): DiscoverOptions {
    return { maxFileBytes: this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, exclude: this.options.exclude ?? [] };
  }

  /**
   * Indexes every folder from scratch, reusing cached facts for unchanged content;
   * `fresh` ignores the cache and parses every file again (and rewrites the cache).
   */
  async build(signal?: AbortSignal, options: { fresh?: boolean } = {}): Promise<IndexStats> {
    const started = performance.now();
    this.byPath.clear();
    this.problemList.length = 0;
    this.fromCacheCount = 0;
    for (const state of this.folders) await this.buildFolder(state, signal, options.fresh);
    this.options.parser.release?.();
    this.markFullChange();
    this.lastBuildMs = performance.now() - started;
    return this.stats();
  }

  private async buildFolder(state: FolderState, signal?: AbortSignal, fresh = false): Promise<void> {
    if (fresh) state.dirty = true;
    const [previous, found] = await Promise.all([
      fresh ? emptyCache(state.root) : this.loadFolderCache(state),
      discoverFiles(state.root, { ...this.discoverOptions, signal }),
    ]);
    this.problemList.push(...found.problems.map((p) => ({ ...p, path: this.workspacePath(state, p.path) })));
    state.skipped = { ...emptySkipped(), ...pick(found.skipped) };
    const next = emptyCache(state.root);
    let done = 0;
    const total = found.files.length;
    let cursor = 0;
    const worker = async () => {
      while (cursor < found.files.length && !signal?.aborted) {
        const file = found.files[cursor++]!;
        const cached = previous.files[file.rel];
        let hash: string;
        let outcome: CachedOutcome | undefined;
        if (cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs && previous.records[cached.hash]) {
          hash = cached.hash;
          outcome = previous.records[hash];
          this.fromCacheCount++;
        } else {
          const bytes = this.read(state, file.abs, file.rel);
          if (!bytes) {
            this.options.onProgress?.(++done, total);
            continue;
          }
          hash = contentHash(bytes);
          outcome = previous.records[hash] ?? next.records[hash];
          if (outcome) this.fromCacheCount++;
          else
            outcome = this.toCached(
              state,
              file.rel,
              await this.options.parser.parse({ path: file.rel, lang: file.lang, bytes }),
            );
        }
        if (outcome) {
          next.files[file.rel] = { size: file.size, mtimeMs: file.mtimeMs, hash };
          next.records[hash] = outcome;
          this.accept(state, file.rel, file.abs, hash, file.size, outcome);
        }
        this.options.onProgress?.(++done, total);
      }
    };
    await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
    if (signal?.aborted) return;
    state.dirty = state.dirty || !sameManifest(previous, next);
    state.cache = next;
  }

  private async loadFolderCache(state: FolderState): Promise<CacheData> {
    if (!this.options.cacheDir) return emptyCache(state.root);
    const load = await loadCache(cacheFileFor(this.options.cacheDir, state.root), state.root);
    if (load.kind === "loaded") return load.data;
    if (load.kind === "rejected") {
      this.problemList.push({ path: state.folder.name, message: `index cache rebuilt: ${load.reason}` });
      state.dirty = true;
    }
    return emptyCache(state.root);
  }

  private read(state: FolderState, abs: string, rel: string): Uint8Array | undefined {
    try {
      // Synchronous on purpose: files are at most maxFileBytes, and fs.promises.readFile costs four
      // thread-pool round trips per file (open, fstat, read, close), which dominated cold builds of
      // trees of many small files (babel: 27k files).
      return readFileSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const message = code === "ENOENT" ? "file vanished while indexing" : errorMessage(e);
      if (code !== "ENOENT") state.skipped.unreadable++;
      this.problemList.push({ path: this.workspacePath(state, rel), message });
      return undefined;
    }
  }

  /** Turns a parse outcome into what is cached; failures are reported and not cached. */
  private toCached(state: FolderState, rel: string, outcome: ParseOutcome): CachedOutcome | undefined {
    if (outcome.kind === "facts") return outcome.facts;
    if (outcome.kind === "skip") return { skip: outcome.reason };
    state.skipped.unreadable++;
    this.problemList.push({ path: this.workspacePath(state, rel), message: `not indexed: ${outcome.message}` });
    return undefined;
  }

  private accept(state: FolderState, rel: string, abs: string, hash: string, size: number, outcome: CachedOutcome) {
    const wp = this.workspacePath(state, rel);
    this.versionCounter++;
    this.logChange(wp);
    if ("skip" in outcome) {
      state.skipped[outcome.skip]++;
      this.byPath.delete(wp);
      return;
    }
    this.byPath.set(wp, { ...outcome, path: wp, absPath: abs, hash, size });
  }

  /**
   * Brings the index up to date for files that were saved, created, deleted
   * or renamed. Ignore-file changes re-run discovery for their folder.
   */
  async update(absPaths: readonly string[]): Promise<Map<string, UpdateKind>> {
    const results = new Map<string, UpdateKind>();
    for (const abs of absPaths) {
      const state = this.folderOf(abs);
      if (!state) continue;
      if (IGNORE_FILES.includes(path.basename(abs))) {
        await this.rebuildFolder(state);
        results.set(abs, "changed");
        continue;
      }
      results.set(abs, await this.updateOne(state, abs));
    }
    return results;
  }

  private async rebuildFolder(state: FolderState): Promise<void> {
    const prefix = this.workspacePath(state, "");
    for (const key of [...this.byPath.keys()]) if (key.startsWith(prefix)) this.byPath.delete(key);
    await this.buildFolder(state);
    this.versionCounter++;
    this.markFullChange();
  }

  private async updateOne(state: FolderState, abs: string): Promise<UpdateKind> {
    const rel = path.relative(state.root, abs).split(path.sep).join("/");
    const wp = this.workspacePath(state, rel);
    const existed = this.byPath.has(wp);
    const remove = (): UpdateKind => {
      if (!existed) return "skipped";
      this.versionCounter++;
      this.logChange(wp);
      this.byPath.delete(wp);
      delete state.cache.files[rel];
      state.dirty = true;
      return "removed";
    };
    const lang = languageForPath(rel);
    const st = await fs.stat(abs).catch(() => undefined);
    if (!lang || !st?.isFile()) return remove();
    if (st.size > this.discoverOptions.maxFileBytes) return remove();
    if (await isPathIgnored(state.root, rel, this.discoverOptions)) return remove();
    const bytes = await fs.readFile(abs).catch(() => undefined);
    if (!bytes) return remove();
    const hash = contentHash(bytes);
    if (this.byPath.get(wp)?.hash === hash) return "unchanged";
    const outcome =
      state.cache.records[hash] ??
      this.toCached(state, rel, await this.options.parser.parse({ path: rel, lang, bytes, keepTree: true }));
    if (!outcome || "skip" in outcome) return remove();
    state.cache.files[rel] = { size: st.size, mtimeMs: st.mtimeMs, hash };
    state.cache.records[hash] = outcome;
    state.dirty = true;
    this.accept(state, rel, abs, hash, st.size, outcome);
    return existed ? "changed" : "added";
  }

  /** Persists every folder whose index changed since the last save. */
  async save(): Promise<void> {
    if (!this.options.cacheDir) return;
    for (const state of this.folders) {
      if (!state.dirty) continue;
      // Drop records no file points at any more, so the cache does not grow forever.
      const live = new Set(Object.values(state.cache.files).map((f) => f.hash));
      for (const hash of Object.keys(state.cache.records)) if (!live.has(hash)) delete state.cache.records[hash];
      await saveCache(cacheFileFor(this.options.cacheDir, state.root), state.cache);
      state.dirty = false;
    }
  }

  /**
   * The paths changed since `version`, when every change since then was one
   * file at a time; undefined when a build happened since (diff everything).
   * Lets a consumer sync in time proportional to the change, not to the tree.
   */
  changedSince(version: number): WorkspacePath[] | undefined {
    if (version < this.fullChangeAt) return undefined;
    const out = new Set<WorkspacePath>();
    for (let i = this.changeLog.length - 1; i >= 0 && this.changeLog[i]![0] > version; i--)
      out.add(this.changeLog[i]![1]);
    return [...out];
  }

  private logChange(wp: WorkspacePath): void {
    this.changeLog.push([this.versionCounter, wp]);
    if (this.changeLog.length > 50_000) this.markFullChange();
  }

  private markFullChange(): void {
    this.changeLog = [];
    this.fullChangeAt = this.versionCounter;
  }

  /** Bumped on every change, so derived data (the retrieval index) knows when it is stale. */
  get version(): number {
    return this.versionCounter;
  }

  get(p: WorkspacePath): IndexedFile | undefined {
    return this.byPath.get(p);
  }

  files(): IterableIterator<IndexedFile> {
    return this.byPath.values();
  }

  get size(): number {
    return this.byPath.size;
  }

  problems(): readonly IndexProblem[] {
    return this.problemList;
  }

  /** Maps an absolute path to its workspace path, if it lies in a folder. */
  toWorkspacePath(abs: string): WorkspacePath | undefined {
    const state = this.folderOf(abs);
    return state ? this.workspacePath(state, path.relative(state.root, abs).split(path.sep).join("/")) : undefined;
  }

  /** Resolves a workspace path back to disk. */
  toAbsolutePath(wp: WorkspacePath): string | undefined {
    const indexed = this.byPath.get(wp);
    if (indexed) return indexed.absPath;
    if (this.folders.length === 1) return path.join(this.folders[0]!.root, ...wp.split("/"));
    const state = this.folders.find((f) => wp.startsWith(f.folder.name + "/"));
    return state ? path.join(state.root, ...wp.slice(state.folder.name.length + 1).split("/")) : undefined;
  }

  stats(): IndexStats {
    let symbols = 0;
    let references = 0;
    let parseErrors = 0;
    for (const f of this.byPath.values()) {
      symbols += f.symbols.length;
      for (const name in f.refs) references += f.refs[name]!.length;
      if (f.errors.length > 0) parseErrors++;
    }
    const skipped = emptySkipped();
    for (const s of this.folders) for (const k of Object.keys(skipped) as SkipReason[]) skipped[k] += s.skipped[k];
    return {
      files: this.byPath.size,
      symbols,
      references,
      parseErrors,
      skipped,
      fromCache: this.fromCacheCount,
      ms: Math.round(this.lastBuildMs),
    };
  }

  dispose(): void {
    this.options.parser.dispose();
  }

  private folderOf(abs: string): FolderState | undefined {
    const resolved = path.resolve(abs);
    return this.folders.find((f) => resolved === f.root || resolved.startsWith(f.root + path.sep));
  }

  private workspacePath(state: FolderState, rel: string): WorkspacePath {
    return this.folders.length > 1 ? (rel ? `${state.folder.name}/${rel}` : `${state.folder.name}/`) : rel;
  }
}

function pick(partial: Partial<Record<string, number>>): Partial<Record<SkipReason, number>> {
  const out: Partial<Record<SkipReason, number>> = {};
  for (const k of Object.keys(emptySkipped()) as SkipReason[]) if (partial[k]) out[k] = partial[k];
  return out;
}

function sameManifest(a: CacheData, b: CacheData): boolean {
  const ak = Object.keys(a.files);
  if (ak.length !== Object.keys(b.files).length) return false;
  return ak.every((k) => a.files[k]?.hash === b.files[k]?.hash && a.files[k]?.mtimeMs === b.files[k]?.mtimeMs);
}
