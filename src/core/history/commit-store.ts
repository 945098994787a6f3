import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import { Vocabulary } from "../context/vocabulary";
import { errorMessage } from "../result";
import { forEachCommitWord, type MinedCommit } from "./log-parser";

/** Bump when `StoredCommit` or the mining changes meaning; an older file is mined again. */
export const HISTORY_SCHEMA_VERSION = 1;

/** A mined commit as kept: its words already turned into term counts, so a view is built without tokenizing. */
export interface StoredCommit {
  id: string;
  /** Author time, seconds since the epoch. */
  time: number;
  message: string;
  files: string[];
  symbols: [number, string][];
  /** [term id, count, …] of its message (twice), paths, changed names and changed-line words. */
  terms: Uint32Array;
}

interface HistoryDump {
  kind: "threadline-history";
  schema: number;
  terms: string[];
  commits: StoredCommit[];
  /** Commits that touched no code: mined, kept out of every view, never mined again. */
  empty: string[];
}

/**
 * Every commit mined so far, by id. A commit never changes, so the store
 * only grows (a branch switch or rebase adds the new commits; a view takes
 * only what is reachable from its revision) until `prune` drops what is no
 * longer reachable.
 */
export class CommitStore {
  readonly commits = new Map<string, StoredCommit>();
  readonly empty = new Set<string>();
  readonly vocabulary: Vocabulary;
  private changed = false;

  private constructor(terms: readonly string[] = []) {
    this.vocabulary = Vocabulary.fromTerms(terms);
  }

  static empty(): CommitStore {
    return new CommitStore();
  }

  get dirty(): boolean {
    return this.changed;
  }

  has(id: string): boolean {
    return this.commits.has(id) || this.empty.has(id);
  }

  add(c: MinedCommit): void {
    if (this.has(c.id)) return;
    this.changed = true;
    if (c.files.length === 0) {
      this.empty.add(c.id);
      return;
    }
    const counts = new Map<number, number>();
    // The message is what people write about behaviour; it counts double against the diff's words.
    this.vocabulary.count(c.message, counts, 2);
    for (const f of c.files) this.vocabulary.count(f, counts);
    for (const [, name] of c.symbols) this.vocabulary.count(name, counts);
    forEachCommitWord(c.words, (w, n) => this.vocabulary.count(w, counts, Math.min(n, 5)));
    const terms = new Uint32Array(counts.size * 2);
    let i = 0;
    for (const [t, n] of counts) {
      terms[i++] = t;
      terms[i++] = n;
    }
    this.commits.set(c.id, { id: c.id, time: c.time, message: c.message, files: c.files, symbols: c.symbols, terms });
  }

  /** Marks commits that were asked for but not emitted (they touched no code file). */
  markEmpty(ids: Iterable<string>): void {
    for (const id of ids)
      if (!this.has(id)) {
        this.empty.add(id);
        this.changed = true;
      }
  }

  /** Keeps only `reachable`; returns how many were dropped. */
  prune(reachable: ReadonlySet<string>): number {
    let dropped = 0;
    for (const id of [...this.commits.keys()])
      if (!reachable.has(id)) {
        this.commits.delete(id);
        dropped++;
      }
    for (const id of [...this.empty])
      if (!reachable.has(id)) {
        this.empty.delete(id);
        dropped++;
      }
    if (dropped > 0) this.changed = true;
    return dropped;
  }

  /**
   * Reads a persisted store. A missing file is an empty store; a corrupt or
   * foreign one is an empty store plus the reason, never trusted.
   */
  static load(file: string | undefined): { store: CommitStore; rejected?: string } {
    if (!file || !fs.existsSync(file)) return { store: new CommitStore() };
    let dump: unknown;
    try {
      dump = v8.deserialize(fs.readFileSync(file));
    } catch (e) {
      return { store: new CommitStore(), rejected: `unreadable: ${errorMessage(e)}` };
    }
    const why = checkDump(dump);
    if (why) return { store: new CommitStore(), rejected: why };
    const d = dump as HistoryDump;
    const store = new CommitStore(d.terms);
    for (const c of d.commits) store.commits.set(c.id, c);
    for (const id of d.empty) store.empty.add(id);
    return { store };
  }

  /** Writes atomically (temp file, then rename), so a crash never leaves half a store. */
  async save(file: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const dump: HistoryDump = {
      kind: "threadline-history",
      schema: HISTORY_SCHEMA_VERSION,
      terms: this.vocabulary.terms,
      commits: [...this.commits.values()],
      empty: [...this.empty],
    };
    try {
      await fs.promises.writeFile(tmp, v8.serialize(dump));
      await fs.promises.rename(tmp, file);
      this.changed = false;
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }
}

function checkDump(d: unknown): string | undefined {
  if (!d || typeof d !== "object") return "not a history cache";
  const dump = d as Partial<HistoryDump>;
  if (dump.kind !== "threadline-history") return "not a history cache";
  if (dump.schema !== HISTORY_SCHEMA_VERSION)
    return `schema ${String(dump.schema)}, expected ${HISTORY_SCHEMA_VERSION}`;
  if (!Array.isArray(dump.commits) || !Array.isArray(dump.terms) || !Array.isArray(dump.empty))
    return "the commits are missing";
  const vocabulary = dump.terms.length;
  for (const c of dump.commits) {
    if (
      !c ||
      typeof c.id !== "string" ||
      typeof c.message !== "string" ||
      !(c.terms instanceof Uint32Array) ||
      !Array.isArray(c.files) ||
      !Array.isArray(c.symbols)
    )
      return "a commit record is malformed";
    for (let i = 0; i < c.terms.length; i += 2) if (c.terms[i]! >= vocabulary) return "a term is out of range";
  }
  return undefined;
}
