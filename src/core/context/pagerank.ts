/** A directed weighted graph in compressed sparse row form. */
export interface Graph {
  nodes: number;
  offsets: Uint32Array;
  targets: Uint32Array;
  weights: Float32Array;
}

export function buildGraph(nodes: number, edges: Map<number, Map<number, number>>): Graph {
  let count = 0;
  for (const out of edges.values()) count += out.size;
  const offsets = new Uint32Array(nodes + 1);
  const targets = new Uint32Array(count);
  const weights = new Float32Array(count);
  let k = 0;
  for (let n = 0; n < nodes; n++) {
    offsets[n] = k;
    const out = edges.get(n);
    if (!out) continue;
    let total = 0;
    for (const w of out.values()) total += w;
    for (const [t, w] of out) {
      targets[k] = t;
      weights[k++] = w / total;
    }
  }
  offsets[nodes] = k;
  return { nodes, offsets, targets, weights };
}

/**
 * Personalized PageRank: the stationary visit rate of a walk that follows
 * edges with probability `damping` and jumps back to the seeds otherwise.
 * Dangling nodes return their mass to the seeds.
 */
export function personalizedPageRank(
  graph: Graph,
  seeds: Map<number, number>,
  damping = 0.7,
  iterations = 20,
): Float64Array {
  const n = graph.nodes;
  const personal = new Float64Array(n);
  let total = 0;
  for (const v of seeds.values()) total += v;
  if (total <= 0) return new Float64Array(n);
  for (const [node, v] of seeds) personal[node] = v / total;
  let rank = Float64Array.from(personal);
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let u = 0; u < n; u++) {
      const r = rank[u]!;
      if (r === 0) continue;
      const from = graph.offsets[u]!;
      const to = graph.offsets[u + 1]!;
      if (from === to) {
        dangling += r;
        continue;
      }
      for (let k = from; k < to; k++) next[graph.targets[k]!]! += damping * r * graph.weights[k]!;
    }
    const jump = 1 - damping + damping * dangling;
    for (let u = 0; u < n; u++) next[u]! += jump * personal[u]!;
    rank = next;
  }
  return rank;
}
