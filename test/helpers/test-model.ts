/**
 * Generates small Llama-family models for tests and benchmarks (no weights
 * can be downloaded here): random weights with SmolLM2-like proportions, a
 * byte-level BPE tokenizer trained on generated code-like text, written as
 * GGUF (F32, F16, Q8_0, Q4_0) or a Hugging Face safetensors folder. A planted
 * head attends from each token to earlier identical tokens, so calibration
 * has a known right answer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ModelConfig } from "../../src/core/model/config";
import { quantize, type TensorType } from "../../src/core/model/dequantize";
import { byteLevelBpe } from "../../src/core/model/tokenizer";
import {
  ggufTensorName,
  hfTensorName,
  layerTensor,
  parseTensorName,
  permuteRows,
  type LayerPart,
} from "../../src/core/model/weights";

export interface TestModelOptions {
  architecture?: "llama" | "qwen2";
  layers?: number;
  hidden?: number;
  heads?: number;
  kvHeads?: number;
  headDim?: number;
  intermediate?: number;
  /** Embedding rows; at least the tokenizer's size. */
  vocabSize?: number;
  ropeTheta?: number;
  merges?: number;
  seed?: number;
  planted?: { layer: number; head: number };
}

export interface TestModel {
  config: ModelConfig;
  tensors: Map<string, Float32Array>;
  tokenizer: Record<string, unknown>;
}

export function makeTestModel(o: TestModelOptions = {}): TestModel {
  const rand = gaussian(o.seed ?? 7);
  const tokenizer = trainTokenizer(o.merges ?? 800, o.seed ?? 7);
  const tokenCount = Object.keys((tokenizer.model as { vocab: object }).vocab).length;
  const heads = o.heads ?? 4;
  const hidden = o.hidden ?? 256;
  const config: ModelConfig = {
    architecture: o.architecture ?? "llama",
    layers: o.layers ?? 4,
    hidden,
    heads,
    kvHeads: o.kvHeads ?? 2,
    headDim: o.headDim ?? hidden / heads,
    intermediate: o.intermediate ?? hidden * 2,
    rmsEps: 1e-5,
    ropeTheta: o.ropeTheta ?? 1e6,
    vocabSize: Math.max(o.vocabSize ?? 0, tokenCount),
  };
  const c = config;
  const tensors = new Map<string, Float32Array>();
  const matrix = (rows: number, cols: number, std: number) =>
    Float32Array.from({ length: rows * cols }, () => rand() * std);
  tensors.set("embed", matrix(c.vocabSize, c.hidden, 1));
  const set = (layer: number, part: LayerPart, value: Float32Array) => tensors.set(layerTensor(layer, part), value);
  for (let l = 0; l < c.layers; l++) {
    set(
      l,
      "attn_norm",
      Float32Array.from({ length: c.hidden }, () => 1 + 0.1 * rand()),
    );
    set(
      l,
      "ffn_norm",
      Float32Array.from({ length: c.hidden }, () => 1 + 0.1 * rand()),
    );
    set(l, "q", matrix(c.heads * c.headDim, c.hidden, 1 / Math.sqrt(c.hidden)));
    set(l, "k", matrix(c.kvHeads * c.headDim, c.hidden, 1 / Math.sqrt(c.hidden)));
    set(l, "v", matrix(c.kvHeads * c.headDim, c.hidden, 1 / Math.sqrt(c.hidden)));
    // Small writes to the residual stream keep each token's embedding recognisable in later layers.
    set(l, "o", matrix(c.hidden, c.heads * c.headDim, 0.1 / Math.sqrt(c.heads * c.headDim)));
    set(l, "gate", matrix(c.intermediate, c.hidden, 1 / Math.sqrt(c.hidden)));
    set(l, "up", matrix(c.intermediate, c.hidden, 1 / Math.sqrt(c.hidden)));
    set(l, "down", matrix(c.hidden, c.intermediate, 0.1 / Math.sqrt(c.intermediate)));
    if (c.architecture === "qwen2")
      for (const [part, n] of [
        ["q_bias", c.heads],
        ["k_bias", c.kvHeads],
        ["v_bias", c.kvHeads],
      ] as const)
        set(l, part, matrix(n * c.headDim, 1, 0.1));
  }
  if (o.planted) plantExactMatchHead(c, tensors, o.planted.layer, o.planted.head, rand);
  return { config, tensors, tokenizer };
}

/**
 * Head `head` of `layer` compares tokens through a shared random projection
 * written into RoPE's slowest-rotating dimensions (so position barely
 * matters): q·k is large exactly when the two tokens are the same.
 */
function plantExactMatchHead(
  c: ModelConfig,
  t: Map<string, Float32Array>,
  layer: number,
  head: number,
  rand: () => number,
) {
  const dh = c.headDim;
  const half = dh / 2;
  const pairs = Math.min(12, half);
  const dims: number[] = [];
  for (let i = half - pairs; i < half; i++) dims.push(i, i + half);
  const projection = Array.from({ length: dims.length }, () =>
    Float32Array.from({ length: c.hidden }, () => rand() / Math.sqrt(c.hidden)),
  );
  const q = t.get(layerTensor(layer, "q"))!;
  const k = t.get(layerTensor(layer, "k"))!;
  const kv = Math.floor(head / (c.heads / c.kvHeads));
  q.fill(0, head * dh * c.hidden, (head + 1) * dh * c.hidden);
  const sharpness = 6;
  dims.forEach((d, j) => {
    q.set(
      projection[j]!.map((v) => v * sharpness),
      (head * dh + d) * c.hidden,
    );
    k.set(projection[j]!, (kv * dh + d) * c.hidden);
  });
  // The planted head's norm weights are plain ones, so identical tokens project identically.
  t.set(layerTensor(layer, "attn_norm"), new Float32Array(c.hidden).fill(1));
}

// ---- writers ----

const GGML_TYPE: Record<TensorType, number> = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8, BF16: 30 };

/**
 * Writes a GGUF v3 file the way llama.cpp's converter does: Llama Q/K rows
 * permuted, matrices in `type`, norms and biases in F32. (@huggingface/gguf's
 * serializer pads the metadata block for header rewrites, so whole files are
 * written here; reading uses the library.)
 */
export function writeGguf(file: string, model: TestModel, type: TensorType, options: { truncate?: number } = {}): void {
  const { config: c, tensors } = model;
  const w = new Writer();
  const tok = model.tokenizer as { model: { vocab: Record<string, number>; merges: string[] } };
  const tokens: string[] = [];
  for (const [s, id] of Object.entries(tok.model.vocab)) tokens[id] = s;
  for (let i = 0; i < c.vocabSize; i++) tokens[i] ??= `<unused${i}>`;
  const arch = c.architecture;
  const kv: [string, "u32" | "f32" | "str" | "strs" | "i32s", unknown][] = [
    ["general.architecture", "str", arch],
    ["general.name", "str", "threadline-test-model"],
    [`${arch}.block_count`, "u32", c.layers],
    [`${arch}.context_length`, "u32", 32768],
    [`${arch}.embedding_length`, "u32", c.hidden],
    [`${arch}.feed_forward_length`, "u32", c.intermediate],
    [`${arch}.attention.head_count`, "u32", c.heads],
    [`${arch}.attention.head_count_kv`, "u32", c.kvHeads],
    [`${arch}.attention.key_length`, "u32", c.headDim],
    [`${arch}.attention.layer_norm_rms_epsilon`, "f32", c.rmsEps],
    [`${arch}.rope.freq_base`, "f32", c.ropeTheta],
    ["tokenizer.ggml.model", "str", "gpt2"],
    ["tokenizer.ggml.tokens", "strs", tokens],
    ["tokenizer.ggml.token_type", "i32s", tokens.map((t) => (t.startsWith("<unused") ? 5 : 1))],
    ["tokenizer.ggml.merges", "strs", tok.model.merges],
  ];
  const entries: { name: string; dims: number[]; type: TensorType; data: Uint8Array }[] = [];
  for (const [name, values] of tensors) {
    let v = values;
    const { rows, cols } = shapeOf(c, name, values.length);
    // GGUF lists dimensions fastest first: [cols, rows].
    const dims = rows === 1 ? [cols] : [cols, rows];
    const part = parseTensorName(name)?.part;
    const heads = part === "q" || part === "q_bias" ? c.heads : part === "k" || part === "k_bias" ? c.kvHeads : 0;
    // A bias is permuted like a one-column matrix.
    if (arch === "llama" && heads > 0) v = permuteRows(v, heads, rows === 1 ? 1 : cols);
    const gname = ggufTensorName(name);
    const t = dims.length === 1 ? "F32" : type;
    entries.push({ name: gname, dims, type: t, data: quantize(t, v) });
  }
  w.bytes(new TextEncoder().encode("GGUF"));
  w.u32(3);
  w.u64(entries.length);
  w.u64(kv.length);
  for (const [key, kind, value] of kv) {
    w.str(key);
    // GGUF value types: 4 u32, 5 i32, 6 f32, 8 string, 9 array (element type, count, elements).
    if (kind === "u32") {
      w.u32(4);
      w.u32(value as number);
    } else if (kind === "f32") {
      w.u32(6);
      w.f32(value as number);
    } else if (kind === "str") {
      w.u32(8);
      w.str(value as string);
    } else {
      const items = value as (string | number)[];
      w.u32(9);
      w.u32(kind === "strs" ? 8 : 5);
      w.u64(items.length);
      for (const item of items) {
        if (kind === "strs") w.str(item as string);
        else w.i32(item as number);
      }
    }
  }
  let offset = 0;
  for (const e of entries) {
    w.str(e.name);
    w.u32(e.dims.length);
    for (const d of e.dims) w.u64(d);
    w.u32(GGML_TYPE[e.type]);
    w.u64(offset);
    offset += align(e.data.length);
  }
  w.pad();
  for (const e of entries) {
    w.bytes(e.data);
    w.pad();
  }
  let out = w.finish();
  if (options.truncate !== undefined) out = out.subarray(0, options.truncate);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out);
}

/** Writes a Hugging Face folder: config.json, tokenizer.json and model.safetensors. */
export function writeSafetensors(dir: string, model: TestModel, dtype: "F32" | "F16" | "BF16" = "F32"): void {
  const { config: c, tensors } = model;
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const [name, values] of tensors) {
    const key = hfTensorName(name);
    const { rows, cols } = shapeOf(c, name, values.length);
    const shape = rows === 1 ? [cols] : [rows, cols];
    const data = quantize(dtype, values);
    header[key] = { dtype, shape, data_offsets: [offset, offset + data.length] };
    blobs.push(data);
    offset += data.length;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "model.safetensors"),
    Buffer.concat([head, new TextEncoder().encode(json), ...blobs]),
  );
  fs.writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({
      architectures: [c.architecture === "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM"],
      model_type: c.architecture,
      num_hidden_layers: c.layers,
      hidden_size: c.hidden,
      num_attention_heads: c.heads,
      num_key_value_heads: c.kvHeads,
      head_dim: c.headDim,
      intermediate_size: c.intermediate,
      rms_norm_eps: c.rmsEps,
      rope_theta: c.ropeTheta,
      vocab_size: c.vocabSize,
    }),
  );
  fs.writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(model.tokenizer));
}

/** A tensor's [rows, cols] (`[out, in]`); vectors (norms, biases) are one row. */
function shapeOf(c: ModelConfig, name: string, length: number): { rows: number; cols: number } {
  const part = parseTensorName(name)?.part;
  if (part === undefined) return { rows: c.vocabSize, cols: c.hidden };
  if (part === "attn_norm" || part === "ffn_norm" || part.endsWith("_bias")) return { rows: 1, cols: length };
  const cols = part === "o" ? c.heads * c.headDim : part === "down" ? c.intermediate : c.hidden;
  return { rows: length / cols, cols };
}

const align = (n: number) => Math.ceil(n / 32) * 32;

class Writer {
  private chunks: Uint8Array[] = [];
  private length = 0;
  bytes(b: Uint8Array) {
    this.chunks.push(b);
    this.length += b.length;
  }
  private view(n: number, f: (v: DataView) => void) {
    const b = new Uint8Array(n);
    f(new DataView(b.buffer));
    this.bytes(b);
  }
  u32 = (n: number) => this.view(4, (v) => v.setUint32(0, n, true));
  i32 = (n: number) => this.view(4, (v) => v.setInt32(0, n, true));
  u64 = (n: number) => this.view(8, (v) => v.setBigUint64(0, BigInt(n), true));
  f32 = (n: number) => this.view(4, (v) => v.setFloat32(0, n, true));
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }
  pad() {
    const n = align(this.length) - this.length;
    if (n) this.bytes(new Uint8Array(n));
  }
  finish(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

// ---- tokenizer ----

const WORDS = (
  "def return self import from class function const let value name index file line path token " +
  "the a of to in is and for with not this that if else elif while try except raise None True False " +
  "print len range list dict str int float args kwargs result data item key error test assert " +
  "parse read write open close start end node tree symbol context question answer model layer head"
).split(" ");

/** A byte-level BPE tokenizer.json (GPT-2 style) with `merges` merges learned from generated text. */
export function trainTokenizer(merges: number, seed: number): Record<string, unknown> {
  const rand = uniform(seed);
  let text = "";
  for (let i = 0; i < 4000; i++) {
    const indent = "    ".repeat(Math.floor(rand() * 3));
    const n = 2 + Math.floor(rand() * 6);
    const words = Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]!);
    const sep = rand() < 0.3 ? "_" : rand() < 0.5 ? "." : " ";
    text += `${indent}${words.join(sep)}(${Math.floor(rand() * 100)}):\n`;
  }
  const byteChar = bytesToUnicode();
  const pieces = text.match(/ ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+/g) ?? [];
  const counts = new Map<string, number>();
  for (const p of pieces) {
    const key = [...new TextEncoder().encode(p)].map((b) => byteChar[b]).join("\u0000");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let words = [...counts].map(([k, n]) => ({ symbols: k.split("\u0000"), n }));
  const vocab: Record<string, number> = {};
  byteChar.forEach((ch, i) => (vocab[ch] = i));
  const learned: string[] = [];
  for (let m = 0; m < merges; m++) {
    const pairs = new Map<string, number>();
    for (const w of words)
      for (let i = 0; i + 1 < w.symbols.length; i++) {
        const k = `${w.symbols[i]} ${w.symbols[i + 1]}`;
        pairs.set(k, (pairs.get(k) ?? 0) + w.n);
      }
    let best = "";
    let bestN = 1;
    for (const [k, n] of pairs) if (n > bestN || (n === bestN && best !== "" && k < best)) [best, bestN] = [k, n];
    if (!best) break;
    const [a, b] = best.split(" ") as [string, string];
    learned.push(best);
    vocab[a + b] = Object.keys(vocab).length;
    words = words.map((w) => {
      const s: string[] = [];
      for (let i = 0; i < w.symbols.length; i++) {
        if (w.symbols[i] === a && w.symbols[i + 1] === b) {
          s.push(a + b);
          i++;
        } else s.push(w.symbols[i]!);
      }
      return { symbols: s, n: w.n };
    });
  }
  return byteLevelBpe(vocab, learned);
}

/** GPT-2's reversible byte → printable character map. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  const out: string[] = [];
  bs.forEach((b, i) => (out[b] = String.fromCharCode(cs[i]!)));
  return out;
}

function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
}
