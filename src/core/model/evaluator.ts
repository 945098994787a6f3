import type { LocalModel } from "./local-model";

/** The heads that score tokens, found by calibration. */
export interface EvaluatorHeads {
  layer: number;
  heads: number[];
}

export interface ScoringOptions {
  /** Context tokens per window; the question is appended to each window. */
  window: number;
  /** N_o: how many of the last (question) positions read attention. EHPC: 16. */
  rows: number;
  /** r: average-pooling kernel over token scores. EHPC: 32. */
  pool: number;
  /** The question is cut to this many tokens, so a window stays bounded. */
  maxQuestionTokens: number;
  signal?: AbortSignal;
}

export const DEFAULT_SCORING: Omit<ScoringOptions, "signal"> = {
  window: 512,
  rows: 16,
  pool: 32,
  maxQuestionTokens: 256,
};

/**
 * Scores every line of `lines` by the attention the evaluator heads pay it
 * from the question (EHPC): token score = sum over heads of the mean
 * attention from the last `rows` positions, average-pooled with kernel
 * `pool`; a line's score is the mean of its tokens'. Long inputs run in
 * windows of `window` tokens with the question appended to each, so memory
 * is bounded by the window, not the input. Scores are scaled to 0..1.
 */
export async function scoreLines(
  model: LocalModel,
  heads: EvaluatorHeads,
  question: string,
  lines: readonly string[],
  options: ScoringOptions = DEFAULT_SCORING,
): Promise<Float32Array> {
  const questionIds = model.tokenizer.text("\nQuestion: " + question).slice(0, options.maxQuestionTokens);
  const tokens: number[] = [];
  const lineOf: number[] = [];
  lines.forEach((line, i) => {
    for (const id of model.tokenizer.line(line)) {
      tokens.push(id);
      lineOf.push(i);
    }
  });
  const tokenScores = await scoreTokens(model, heads, tokens, questionIds, options);
  const pooled = averagePool(tokenScores, options.pool);
  const sums = new Float64Array(lines.length);
  const counts = new Uint32Array(lines.length);
  pooled.forEach((s, t) => {
    sums[lineOf[t]!]! += s;
    counts[lineOf[t]!]!++;
  });
  const out = new Float32Array(lines.length);
  let max = 0;
  for (let i = 0; i < lines.length; i++) max = Math.max(max, (out[i] = counts[i] ? sums[i]! / counts[i]! : 0));
  if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
  return out;
}

/** Per-token scores for `tokens`, window by window. */
export async function scoreTokens(
  model: LocalModel,
  heads: EvaluatorHeads,
  tokens: readonly number[],
  questionIds: ArrayLike<number>,
  options: ScoringOptions,
): Promise<Float32Array> {
  const scores = new Float32Array(tokens.length);
  const spec = { taps: new Map([[heads.layer, heads.heads]]) };
  const window = Math.max(1, options.window);
  const q = questionIds.length;
  for (let start = 0; start < tokens.length; start += window) {
    options.signal?.throwIfAborted();
    const chunk = tokens.slice(start, start + window);
    const ids = new Int32Array(chunk.length + q);
    ids.set(chunk);
    ids.set(Array.from(questionIds), chunk.length);
    const T = ids.length;
    const nRows = Math.min(options.rows, q);
    const rows = Array.from({ length: nRows }, (_, i) => T - nRows + i);
    const attn = (await model.attention(ids, rows, spec)).get(heads.layer)!;
    // attn: [heads, rows, T]
    for (let h = 0; h < heads.heads.length; h++)
      for (let r = 0; r < nRows; r++) {
        const base = (h * nRows + r) * T;
        for (let t = 0; t < chunk.length; t++) scores[start + t]! += attn[base + t]! / nRows;
      }
  }
  return scores;
}

/** 1-D average pooling, stride 1, window centred and clipped at the ends. */
export function averagePool(values: Float32Array, kernel: number): Float32Array {
  if (kernel <= 1) return values;
  const prefix = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) prefix[i + 1] = prefix[i]! + values[i]!;
  const out = new Float32Array(values.length);
  const left = Math.floor((kernel - 1) / 2);
  for (let i = 0; i < values.length; i++) {
    const a = Math.max(0, i - left);
    const b = Math.min(values.length, a + kernel);
    out[i] = (prefix[b]! - prefix[a]!) / (b - a);
  }
  return out;
}
