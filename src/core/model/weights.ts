import { ModelError, type ModelConfig } from "./config";

/**
 * A model's weights, whatever the file format. Names are format-neutral
 * (`embed`, `layers.3.q`, …) and every matrix is row-major `[out, in]`, as in
 * Hugging Face checkpoints; sources convert (GGUF's permuted Llama Q/K rows
 * are put back in Hugging Face order, so RoPE is always the rotate-half kind).
 */
export interface WeightSource {
  readonly format: "gguf" | "safetensors";
  readonly path: string;
  readonly config: ModelConfig;
  /** Storage types of the tensors, e.g. `["Q8_0", "F32"]`. */
  readonly tensorTypes: readonly string[];
  /** `tokenizer.json` (or its equivalent built from GGUF metadata) for @huggingface/tokenizers. */
  readonly tokenizer: { json: Record<string, unknown>; config: Record<string, unknown> };
  has(name: string): boolean;
  /** The tensor as float32, `[out, in]` for matrices. */
  read(name: string): Float32Array;
  /** Rows of the embedding matrix for these token ids, concatenated. */
  embedRows(ids: ArrayLike<number>): Float32Array;
  close(): void;
}

export const layerTensor = (layer: number, part: LayerPart) => `layers.${layer}.${part}`;
export type LayerPart =
  "attn_norm" | "q" | "k" | "v" | "q_bias" | "k_bias" | "v_bias" | "o" | "ffn_norm" | "gate" | "up" | "down";

/** Each layer tensor's name in GGUF (llama.cpp's `LLM_TENSOR_NAMES`) and in Hugging Face checkpoints. */
const NAMES: Record<LayerPart, { gguf: string; hf: string }> = {
  attn_norm: { gguf: "attn_norm.weight", hf: "input_layernorm.weight" },
  q: { gguf: "attn_q.weight", hf: "self_attn.q_proj.weight" },
  k: { gguf: "attn_k.weight", hf: "self_attn.k_proj.weight" },
  v: { gguf: "attn_v.weight", hf: "self_attn.v_proj.weight" },
  q_bias: { gguf: "attn_q.bias", hf: "self_attn.q_proj.bias" },
  k_bias: { gguf: "attn_k.bias", hf: "self_attn.k_proj.bias" },
  v_bias: { gguf: "attn_v.bias", hf: "self_attn.v_proj.bias" },
  o: { gguf: "attn_output.weight", hf: "self_attn.o_proj.weight" },
  ffn_norm: { gguf: "ffn_norm.weight", hf: "post_attention_layernorm.weight" },
  gate: { gguf: "ffn_gate.weight", hf: "mlp.gate_proj.weight" },
  up: { gguf: "ffn_up.weight", hf: "mlp.up_proj.weight" },
  down: { gguf: "ffn_down.weight", hf: "mlp.down_proj.weight" },
};

/** `layers.3.q` → its layer and part; undefined for `embed`. */
export function parseTensorName(name: string): { layer: number; part: LayerPart } | undefined {
  const m = /^layers\.(\d+)\.(\w+)$/.exec(name);
  if (!m || !(m[2]! in NAMES)) return undefined;
  return { layer: Number(m[1]), part: m[2] as LayerPart };
}

export function ggufTensorName(name: string): string {
  if (name === "embed") return "token_embd.weight";
  const t = parseTensorName(name);
  if (!t) throw new ModelError(`unknown tensor ${name}`);
  return `blk.${t.layer}.${NAMES[t.part].gguf}`;
}

export function hfTensorName(name: string): string {
  if (name === "embed") return "model.embed_tokens.weight";
  const t = parseTensorName(name);
  if (!t) throw new ModelError(`unknown tensor ${name}`);
  return `model.layers.${t.layer}.${NAMES[t.part].hf}`;
}

/**
 * Where the row of (half s, index i) sits within a head: llama.cpp's converter interleaves
 * the two rotary halves, rotate-half RoPE keeps them apart.
 */
const interleaved = (dh: number, s: number, i: number) => 2 * i + s;
const halves = (dh: number, s: number, i: number) => s * (dh / 2) + i;

/** Undoes llama.cpp's Q/K row permutation for `heads` heads of `rows / heads` rows each. */
export function unpermuteRows(w: Float32Array, heads: number, cols: number): Float32Array {
  return moveRows(w, heads, cols, interleaved, halves);
}

/** The inverse of `unpermuteRows`: what llama.cpp's converter writes (used by the test-model generator). */
export function permuteRows(w: Float32Array, heads: number, cols: number): Float32Array {
  return moveRows(w, heads, cols, halves, interleaved);
}

/** Within each head, row `from(s, i)` goes to row `to(s, i)`, for the two halves s and i < dh / 2. */
function moveRows(
  w: Float32Array,
  heads: number,
  cols: number,
  from: (dh: number, s: number, i: number) => number,
  to: (dh: number, s: number, i: number) => number,
): Float32Array {
  const dh = w.length / cols / heads;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++)
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < dh / 2; i++) {
        const src = (h * dh + from(dh, s, i)) * cols;
        out.set(w.subarray(src, src + cols), (h * dh + to(dh, s, i)) * cols);
      }
  return out;
}
