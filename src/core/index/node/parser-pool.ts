import * as os from "node:os";
import type { Worker } from "node:worker_threads";
import { startWorker } from "../../start-worker";
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
 * Parses on worker threads so the host thread never stalls. Jobs go to an
 * idle worker, and a new one is spawned only when all are busy (up to
 * `size`): an edit parses one file at a time, and each worker costs a V8
 * isolate, its grammars and their compilation beside the next question.
 * A worker that dies fails its jobs and is replaced.
 */
export class WorkerPool implements FileParser {
  private readonly workers: Slot[] = [];
  /** The worker holding each kept tree: a file's next incremental parse must go there. */
  private readonly treeOwner = new Map<string, Slot>();
  private nextId = 0;
  private disposed = false;
  private crashes = 0;
  private brokenReason: string | undefined;

  constructor(
    private readonly assets: IndexAssets,
    readonly size = Math.max(1, os.availableParallelism()),
  ) {}

  /** Starts a worker and adds it to the pool. */
  private spawn(): Slot {
    const worker = startWorker(this.assets.workerScript, { workerData: this.assets });
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
      this.forget(slot);
      if (++this.crashes >= MAX_CRASHES) this.brokenReason = message;
    };
    worker.on("error", (e) => fail(`parser worker crashed: ${e.message}`));
    worker.on("exit", (code) => {
      if (!this.disposed && !slot.released) fail(`parser worker exited with code ${code}`);
    });
    this.workers.push(slot);
    return slot;
  }

  parse(job: ParseJob): Promise<ParseOutcome> {
    if (this.disposed) return Promise.resolve({ kind: "failed", message: "index disposed" });
    if (this.brokenReason) return Promise.resolve({ kind: "failed", message: this.brokenReason });
    // A file whose tree is kept goes back to the worker where its tree lives.
    let slot = job.keepTree ? this.treeOwner.get(job.path) : undefined;
    if (!slot) {
      const idlest = this.leastBusy();
      // Spawned on demand: a warm start from the cache needs no parser at all.
      slot = idlest && (idlest.pending.size === 0 || this.workers.length >= this.size) ? idlest : this.spawn();
    }
    if (job.keepTree) {
      slot.keepsTrees = true;
      this.treeOwner.set(job.path, slot);
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, { resolve });
      slot.worker.ref();
      slot.worker.postMessage({ id, job });
    });
  }

  private leastBusy(): Slot | undefined {
    let best: Slot | undefined;
    for (const w of this.workers) if (!best || w.pending.size < best.pending.size) best = w;
    return best;
  }

  private forget(slot: Slot): void {
    const i = this.workers.indexOf(slot);
    if (i >= 0) this.workers.splice(i, 1);
    for (const [p, owner] of this.treeOwner) if (owner === slot) this.treeOwner.delete(p);
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
    this.treeOwner.clear();
  }

  dispose(): void {
    this.disposed = true;
    for (const { worker, pending } of this.workers) {
      for (const p of pending.values()) p.resolve({ kind: "failed", message: "index disposed" });
      void worker.terminate();
    }
    this.workers.length = 0;
    this.treeOwner.clear();
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
