/**
 * A plain TypeScript forward pass of a Llama-family decoder, in float64, as
 * the specification the ONNX graph is checked against. Returns the softmaxed
 * attention of every head of every layer below `layers`, `[layer][head][T*T]`.
 */
import type { WeightSource } from "../../src/core/model/weights";
import { layerTensor } from "../../src/core/model/weights";

export function referenceAttention(source: WeightSource, ids: number[], layers: number): Float64Array[][] {
  const c = source.config;
  const T = ids.length;
  const dh = c.headDim;
  const half = dh / 2;
  const w = (l: number, p: Parameters<typeof layerTensor>[1]) => source.read(layerTensor(l, p));
  const emb = source.embedRows(ids);
  let x = Array.from({ length: T }, (_, t) => Float64Array.from(emb.subarray(t * c.hidden, (t + 1) * c.hidden)));
  const norm = (v: Float64Array, g: Float32Array) => {
    let ms = 0;
    for (const a of v) ms += a * a;
    const r = 1 / Math.sqrt(ms / v.length + c.rmsEps);
    return v.map((a, i) => a * r * g[i]!);
  };
  const matvec = (m: Float32Array, v: Float64Array, rows: number, bias?: Float32Array) => {
    const out = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = bias ? bias[r]! : 0;
      for (let i = 0; i < v.length; i++) s += m[r * v.length + i]! * v[i]!;
      out[r] = s;
    }
    return out;
  };
  const rope = (v: Float64Array, head: number, t: number) => {
    const out = new Float64Array(dh);
    for (let i = 0; i < half; i++) {
      const angle = t * Math.pow(c.ropeTheta, (-2 * i) / dh);
      const a = v[head * dh + i]!;
      const b = v[head * dh + i + half]!;
      out[i] = a * Math.cos(angle) - b * Math.sin(angle);
      out[i + half] = b * Math.cos(angle) + a * Math.sin(angle);
    }
    return out;
  };
  const result: Float64Array[][] = [];
  for (let l = 0; l < layers; l++) {
    const bias = (p: "q_bias" | "k_bias" | "v_bias") => (source.has(layerTensor(l, p)) ? w(l, p) : undefined);
    const n = x.map((v) => norm(v, w(l, "attn_norm")));
    const q = n.map((v) => matvec(w(l, "q"), v, c.heads * dh, bias("q_bias")));
    const k = n.map((v) => matvec(w(l, "k"), v, c.kvHeads * dh, bias("k_bias")));
    const vv = n.map((v) => matvec(w(l, "v"), v, c.kvHeads * dh, bias("v_bias")));
    const probs: Float64Array[] = [];
    const ctx = Array.from({ length: T }, () => new Float64Array(c.heads * dh));
    for (let h = 0; h < c.heads; h++) {
      const kv = Math.floor(h / (c.heads / c.kvHeads));
      const p = new Float64Array(T * T);
      const keys = k.map((v, t) => rope(v, kv, t));
      for (let i = 0; i < T; i++) {
        const qi = rope(q[i]!, h, i);
        let max = -Infinity;
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let d = 0; d < dh; d++) s += qi[d]! * keys[j]![d]!;
          p[i * T + j] = s / Math.sqrt(dh);
          max = Math.max(max, p[i * T + j]!);
        }
        let sum = 0;
        for (let j = 0; j <= i; j++) sum += p[i * T + j] = Math.exp(p[i * T + j]! - max);
        for (let j = 0; j <= i; j++) {
          p[i * T + j]! /= sum;
          for (let d = 0; d < dh; d++) ctx[i]![h * dh + d]! += p[i * T + j]! * vv[j]![kv * dh + d]!;
        }
      }
      probs.push(p);
    }
    result.push(probs);
    x = x.map((v, t) => {
      const a = matvec(w(l, "o"), ctx[t]!, c.hidden);
      const r = v.map((val, i) => val + a[i]!);
      const m = norm(r, w(l, "ffn_norm"));
      const gate = matvec(w(l, "gate"), m, c.intermediate);
      const up = matvec(w(l, "up"), m, c.intermediate);
      const act = gate.map((g, i) => (g / (1 + Math.exp(-g))) * up[i]!);
      const d = matvec(w(l, "down"), act, c.hidden);
      return r.map((val, i) => val + d[i]!);
    });
  }
  return result;
}
