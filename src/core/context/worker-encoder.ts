import * as fs from "node:fs";
import * as path from "node:path";
import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { TiktokenEncoding } from "tiktoken";
import { errorMessage } from "../result";
import { startWorker } from "../start-worker";
import { Slot } from "./token-channel";
import { TiktokenEncoder, type Encoder } from "./token-counter";

const INITIAL_BYTES = 1 << 20;
/** Loading an encoder takes well under a second; past this the worker is taken for dead. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * tiktoken on a worker thread, answering synchronously. Loading an encoder
 * takes tiktoken 0.4–0.7 s on the thread that will use it, and a host that
 * loads it when the workspace opens pays that on the same thread as the index
 * load and the first question. Here it loads on another core, beside the
 * index; the first count waits only for what is left of it.
 *
 * Each count is one round trip through shared memory: the text goes in as
 * UTF-8 (tiktoken's own binding encodes the same way), the caller blocks in
 * `Atomics.wait`, the worker answers. The counter's memo answers most counts
 * without one. A worker that is missing, fails to load or stops answering is
 * replaced by an encoder on this thread, and the log says why.
 */
export class WorkerEncoder implements Encoder {
  private readonly worker: Worker | undefined;
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * 4));
  private bytes: Buffer;
  private readonly port: MessagePort | undefined;
  private requests = 0;
  private local: Encoder | undefined;
  private failure: string | undefined;

  constructor(
    private readonly encoding: TiktokenEncoding,
    private readonly options: { script?: string; timeoutMs?: number; log?: (line: string) => void } = {},
  ) {
    const data = new SharedArrayBuffer(INITIAL_BYTES);
    this.bytes = Buffer.from(data);
    const script = options.script ?? tokenWorkerScript();
    if (!script || !fs.existsSync(script)) {
      this.failure = `no token worker script${script ? ` at ${script}` : ""}`;
      return;
    }
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData = { encoding, control: this.control.buffer, data, port: port2 };
    try {
      this.worker = startWorker(script, { workerData, transferList: [port2] });
    } catch (e) {
      this.failure = errorMessage(e);
      return;
    }
    this.worker.unref();
    this.port.unref();
    this.worker.on("error", (e) => (this.failure ??= `token worker crashed: ${e.message}`));
    this.worker.on("exit", (code) => (this.failure ??= `token worker exited with code ${code}`));
  }

  count(text: string): number {
    if (this.failure === undefined) {
      const length = Buffer.byteLength(text, "utf8");
      if (length <= this.bytes.length || this.grow(length)) {
        this.bytes.write(text, 0, length, "utf8");
        const n = this.ask(length);
        if (n >= 0) return n;
        this.failure ??= `the token worker could not load ${this.encoding}`;
      }
    }
    return this.fallback().count(text);
  }

  /** Whether counts are answered on this thread, and why. */
  get fellBack(): string | undefined {
    return this.local ? this.failure : undefined;
  }

  private grow(length: number): boolean {
    const next = new SharedArrayBuffer(Math.max(length, 2 * this.bytes.length));
    this.port!.postMessage(next);
    if (this.ask(-1) < 0) return false;
    this.bytes = Buffer.from(next);
    return true;
  }

  /** Sends the request in the buffers and waits for its answer; -1 when none came. */
  private ask(length: number): number {
    const ctl = this.control;
    const request = ++this.requests;
    ctl[Slot.length] = length;
    Atomics.store(ctl, Slot.request, request);
    Atomics.notify(ctl, Slot.request);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(ctl, Slot.answer) !== request) {
      const left = deadline - performance.now();
      if (left <= 0) {
        this.failure = `the token worker did not answer in ${timeoutMs} ms`;
        return -1;
      }
      Atomics.wait(ctl, Slot.answer, request - 1, left);
    }
    return ctl[Slot.result]!;
  }

  private fallback(): Encoder {
    if (!this.local) {
      this.options.log?.(`counting tokens on the main thread: ${this.failure ?? "unknown failure"}`);
      void this.worker?.terminate();
      this.local = new TiktokenEncoder(this.encoding);
    }
    return this.local;
  }

  dispose(): void {
    this.failure ??= "disposed";
    void this.worker?.terminate();
    this.port?.close();
    this.local?.dispose();
  }
}

/** The worker script next to this module: bundled beside dist/'s bundles, or the source file under tsx. */
function tokenWorkerScript(): string | undefined {
  for (const name of ["token-worker.js", "token-worker.ts"]) {
    const file = path.join(__dirname, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}
