import * as os from "node:os";
import { Worker } from "node:worker_threads";
import type { FileParser, ParseJob, ParseOutcome } from "../parse-file";
import { parseBytes, TreeCache } from "../parse-file";
import type { IndexAssets } from "./assets";
import { GrammarSet } from "./grammars";

const MAX_CRASHES = 5;

interface Pending {
  resolve: (o: ParseOutcome) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** It parsed a file whose tree it keeps for the next incremental parse. */
  keepsTrees: boolean;
  /** Ended by `release`, not crashed. */
  released: boolean;
}

/**
 * Parses on worker threads so the host thread never stalls. Jobs go to the
 * least busy worker; a worker that dies fails its jobs and is replaced.
 */
export class WorkerPool implements FileParser {
  private readonly workers: Slot[] = [];
  private nextId = 0;
  private disposed = false;
  private crashes = 0;
  private brokenReason: string | undefined;

  constructor(
    private readonly assets: IndexAssets,
    readonly size = Math.max(1, os.availableParallelism()),
  ) {}

  private spawn() {
    const script = this.assets.workerScript;
    // From source (tests), the worker is TypeScript: load it through tsx's require hook.
    const worker = script.endsWith(".ts")
      ? new Worker(`require("tsx/cjs"); require(${JSON.stringify(script)});`, { eval: true, workerData: this.assets })
      : new Worker(script, { workerData: this.assets });
    const slot: Slot = { worker, pending: new Map<number, Pending>(), keepsTrees: false, released: false };
    worker.unref();
    worker.on("message", (msg: { id: number; outcome: ParseOutcome }) => {
      const p = slot.pending.get(msg.id);
      slot.pending.delete(msg.id);
      p?.resolve(msg.outcome);
      if (slot.pending.size === 0) worker.unref();
    });
    const fail = (message: string) => {
      for (const p of slot.pending.values()) p.resolve({ kind: "failed", message });
      slot.pending.clear();
      // Replaced on the next parse; a pool whose workers keep dying stops trying.
      const i = this.workers.indexOf(slot);
      if (i >= 0) this.workers.splice(i, 1);
      if (++this.crashes >= MAX_CRASHES) this.brokenReason = message;
    };
    worker.on("error", (e) => fail(`parser worker crashed: ${e.message}`));
    worker.on("exit", (code) => {
      if (!this.disposed && !slot.released) fail(`parser worker exited with code ${code}`);
    });
    return slot;
  }

  parse(job: ParseJob): Promise<ParseOutcome> {
    if (this.disposed) return Promise.resolve({ kind: "failed", message: "index disposed" });
    if (this.brokenReason) return Promise.resolve({ kind: "failed", message: this.brokenReason });
    // Spawned on first use: a warm start from the cache needs no parser at all.
    while (this.workers.length < this.size) this.workers.push(this.spawn());
    // A file whose tree is kept always goes to the same worker, where its tree lives.
    let slot = this.workers[job.keepTree ? hashOf(job.path) % this.workers.length : 0]!;
    if (!job.keepTree) for (const w of this.workers) if (w.pending.size < slot.pending.size) slot = w;
    if (job.keepTree) slot.keepsTrees = true;
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { resolve });
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }

  /** Worker threads alive now. */
  get running(): number {
    return this.workers.length;
  }

  /**
   * Ends the workers when a batch is done and none keeps a tree: after a cold
   * build they hold little but the memory of the largest file they parsed (a
   * WASM heap never shrinks) and their grammars, 100 MB or more on a big
   * tree. The next parse spawns them again.
   */
  release(): void {
    if (this.workers.some((w) => w.pending.size > 0 || w.keepsTrees)) return;
    for (const slot of this.workers) {
      slot.released = true;
      void slot.worker.terminate();
    }
    this.workers.length = 0;
  }

  dispose(): void {
    this.disposed = true;
    for (const { worker, pending } of this.workers) {
      for (const p of pending.values()) p.resolve({ kind: "failed", message: "index disposed" });
      void worker.terminate();
    }
    this.workers.length = 0;
  }
}

/** Parses on the calling thread; for tests and tiny workspaces. */
export class InlineParser implements FileParser {
  private readonly grammars: GrammarSet;
  private readonly trees = new TreeCache();
  constructor(assets: IndexAssets) {
    this.grammars = new GrammarSet(assets);
  }
  parse(job: ParseJob): Promise<ParseOutcome> {
    return parseBytes((id) => this.grammars.get(id), job, this.trees);
  }
  dispose(): void {
    this.grammars.dispose();
  }
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}
