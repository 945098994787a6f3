import { allHeads, type LocalModel } from "./local-model";
import type { EvaluatorHeads } from "./evaluator";

export interface CalibrationOptions {
  /** Layers searched (the first N); scoring later runs only up to the chosen one. */
  maxLayers: number;
  /** k: heads kept (EHPC: 8). */
  topHeads: number;
  /** Haystack tokens per probe. */
  probeTokens: number;
  /** Needle depths, as fractions of the haystack. */
  depths: readonly number[];
  /** N_o: question rows that read attention. */
  rows: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_CALIBRATION: Omit<CalibrationOptions, "signal" | "onProgress"> = {
  maxLayers: 8,
  topHeads: 8,
  probeTokens: 768,
  depths: [0.1, 0.3, 0.5, 0.7, 0.9],
  rows: 16,
};

export interface Calibration extends EvaluatorHeads {
  /** Mean attention mass on the needle, per layer and head. */
  scores: number[][];
  probes: number;
  ms: number;
}

/**
 * Finds the evaluator heads (EHPC's needle probe): real code from the user's
 * repository is the haystack, a small function with a unique name and value
 * is the needle, inserted at several depths, and a question about it closes
 * the input. A head scores the attention mass its last rows put on the
 * needle's tokens; the best layer is the one whose top-k heads score highest.
 */
export async function calibrate(
  model: LocalModel,
  haystack: readonly string[],
  options: CalibrationOptions = DEFAULT_CALIBRATION,
): Promise<Calibration> {
  const t0 = performance.now();
  const layers = Math.min(options.maxLayers, model.config.layers);
  const heads = model.config.heads;
  const spec = allHeads(layers, heads);
  const totals = Array.from({ length: layers }, () => new Float64Array(heads));
  const hay = haystackTokens(model, haystack, options.probeTokens);
  let probes = 0;
  for (const [i, depth] of options.depths.entries()) {
    options.signal?.throwIfAborted();
    const name = `lookup_${PROBE_WORDS[i % PROBE_WORDS.length]}_code`;
    const secret = `${PROBE_WORDS[(i + 3) % PROBE_WORDS.length]}-${4096 + i * 7919}`;
    const needle = [`def ${name}():`, `    return "${secret}"`].flatMap((l) => [...model.tokenizer.line(l)]);
    const question = [...model.tokenizer.text(`\nQuestion: what does ${name} return?`)];
    const at = Math.floor(hay.length * depth);
    const ids = [...hay.slice(0, at), ...needle, ...hay.slice(at), ...question];
    const T = ids.length;
    const nRows = Math.min(options.rows, question.length);
    const rows = Array.from({ length: nRows }, (_, r) => T - nRows + r);
    const attn = await model.attention(ids, rows, spec);
    for (let l = 0; l < layers; l++) {
      const a = attn.get(l)!;
      for (let h = 0; h < heads; h++) {
        let mass = 0;
        for (let r = 0; r < nRows; r++) {
          const base = (h * nRows + r) * T;
          for (let t = at; t < at + needle.length; t++) mass += a[base + t]!;
        }
        totals[l]![h]! += mass / nRows;
      }
    }
    probes++;
    options.onProgress?.(probes, options.depths.length);
  }
  const scores = totals.map((row) => [...row].map((s) => Math.round((s / probes) * 1e6) / 1e6));
  const k = Math.min(options.topHeads, heads);
  let best: EvaluatorHeads & { value: number } = { layer: 0, heads: [], value: -1 };
  scores.forEach((row, layer) => {
    const top = row
      .map((s, h) => ({ s, h }))
      .sort((a, b) => b.s - a.s || a.h - b.h)
      .slice(0, k);
    const value = top.reduce((sum, x) => sum + x.s, 0);
    if (value > best.value) best = { layer, heads: top.map((x) => x.h).sort((a, b) => a - b), value };
  });
  return { layer: best.layer, heads: best.heads, scores, probes, ms: Math.round(performance.now() - t0) };
}

const PROBE_WORDS = ["amber", "cobalt", "juniper", "saffron", "tundra", "orchid", "quartz"];

/** The first `count` tokens of the haystack lines (repeated if the repository is tiny). */
function haystackTokens(model: LocalModel, lines: readonly string[], count: number): number[] {
  const out: number[] = [];
  if (lines.length === 0) lines = ["# (empty repository)"];
  for (let i = 0; out.length < count; i = (i + 1) % lines.length) out.push(...model.tokenizer.line(lines[i]!));
  return out.slice(0, count);
}
