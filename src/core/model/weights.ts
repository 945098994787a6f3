import type { ModelConfig } from "./config";

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

/** Undoes llama.cpp's Q/K row permutation for `heads` heads of `rows / heads` rows each. */
export function unpermuteRows(w: Float32Array, heads: number, cols: number): Float32Array {
  const rows = w.length / cols;
  const dh = rows / heads;
  const half = dh / 2;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++)
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < half; i++) {
        const from = (h * dh + 2 * i + s) * cols;
        out.set(w.subarray(from, from + cols), (h * dh + s * half + i) * cols);
      }
  return out;
}

/** The inverse of `unpermuteRows`: what llama.cpp's converter writes (used by the test-model generator). */
export function permuteRows(w: Float32Array, heads: number, cols: number): Float32Array {
  const rows = w.length / cols;
  const dh = rows / heads;
  const half = dh / 2;
  const out = new Float32Array(w.length);
  for (let h = 0; h < heads; h++)
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < half; i++) {
        const from = (h * dh + s * half + i) * cols;
        out.set(w.subarray(from, from + cols), (h * dh + 2 * i + s) * cols);
      }
  return out;
}
