import * as fs from "node:fs";
import type { InferenceSession } from "onnxruntime-node";
import { ModelError } from "./config";
import { openGguf } from "./gguf-source";
import { buildGraph, causalMask, ropeTables, tapOutput, type GraphSpec } from "./onnx-graph";
import { openSafetensors } from "./safetensors-source";
import { LineTokenizer } from "./tokenizer";
import type { WeightSource } from "./weights";

type Ort = typeof import("onnxruntime-node");
let ort: Ort | undefined;
/** onnxruntime-node is a native addon: loaded on first use, so Threadline without a model never loads it. */
function runtime(): Ort {
  if (!ort) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ort = require("onnxruntime-node") as Ort;
    } catch (e) {
      throw new ModelError(`onnxruntime-node is not available: ${(e as Error).message}`);
    }
  }
  return ort;
}

/**
 * A local Llama-family model, run through onnxruntime-node for attention read-outs only.
 * One ONNX session per graph spec (a calibration graph, a scoring graph), built on demand.
 */
export class LocalModel {
  private readonly sessions = new Map<string, Promise<InferenceSession>>();

  private constructor(
    readonly source: WeightSource,
    readonly tokenizer: LineTokenizer,
    private readonly threads: number,
  ) {}

  /** Opens a `.gguf` file or a Hugging Face folder (config.json, tokenizer.json, *.safetensors). */
  static async open(path: string, options: { threads?: number } = {}): Promise<LocalModel> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path);
    } catch {
      throw new ModelError(`model path ${path} does not exist`);
    }
    const source = stat.isDirectory() ? openSafetensors(path) : await openGguf(path);
    try {
      return new LocalModel(source, new LineTokenizer(source), options.threads ?? 0);
    } catch (e) {
      source.close();
      throw e;
    }
  }

  get config() {
    return this.source.config;
  }

  /**
   * Runs the graph for `spec` on token ids and returns, per tapped layer, the
   * attention `[heads, rows.length, ids.length]` from the given rows.
   */
  async attention(
    ids: ArrayLike<number>,
    rows: readonly number[],
    spec: GraphSpec,
  ): Promise<Map<number, Float32Array>> {
    const o = runtime();
    const session = await this.session(spec);
    const T = ids.length;
    const { cos, sin } = ropeTables(this.config, T);
    const feeds = {
      hidden: new o.Tensor("float32", this.source.embedRows(ids), [T, this.config.hidden]),
      cos: new o.Tensor("float32", cos, [T, this.config.headDim]),
      sin: new o.Tensor("float32", sin, [T, this.config.headDim]),
      mask: new o.Tensor("float32", causalMask(T), [T, T]),
      rows: new o.Tensor("int64", BigInt64Array.from(rows.map(BigInt)), [rows.length]),
    };
    const result = await session.run(feeds);
    const out = new Map<number, Float32Array>();
    for (const layer of spec.taps.keys()) out.set(layer, result[tapOutput(layer)]!.data as Float32Array);
    for (const t of Object.values(result)) t.dispose?.();
    return out;
  }

  private session(spec: GraphSpec): Promise<InferenceSession> {
    const key = [...spec.taps].map(([l, h]) => `${l}:${h.join(",")}`).join(";");
    let s = this.sessions.get(key);
    if (!s) {
      const o = runtime();
      const bytes = buildGraph(this.source, spec);
      s = o.InferenceSession.create(bytes, {
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        ...(this.threads > 0 ? { intraOpNumThreads: this.threads } : {}),
      }).catch((e: unknown) => {
        this.sessions.delete(key);
        throw new ModelError(`onnxruntime could not load the model graph: ${(e as Error).message}`);
      });
      this.sessions.set(key, s);
    }
    return s;
  }

  /** Releases the sessions (and their copies of the weights) and the model file. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of sessions) await (await s.catch(() => undefined))?.release();
    this.source.close();
  }
}

/** Every head of every layer below `layers`: the calibration read-out. */
export function allHeads(layers: number, heads: number): GraphSpec {
  const taps = new Map<number, number[]>();
  for (let l = 0; l < layers; l++)
    taps.set(
      l,
      Array.from({ length: heads }, (_, h) => h),
    );
  return { taps };
}
