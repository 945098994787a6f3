/**
 * A directed weighted graph as adjacency arrays, one pair per node id. Node ids
 * may have holes (units of deleted code); `order` lists the live nodes in the
 * fixed order the walk visits them, so floating-point sums come out the same
 * however the ids were assigned.
 */
export interface Graph {
  /** One more than the largest node id. */
  nodes: number;
  order: ArrayLike<number>;
  targets: readonly (Uint32Array | undefined)[];
  /** Each node's out-weights, normalized to sum to 1. */
  weights: readonly (Float32Array | undefined)[];
}

/** One node's out-edges as normalized arrays, in the map's order; undefined when it has none. */
export function normalizedEdges(out: ReadonlyMap<number, number> | undefined): [Uint32Array, Float32Array] | undefined {
  if (!out || out.size === 0) return undefined;
  let total = 0;
  for (const w of out.values()) total += w;
  const targets = new Uint32Array(out.size);
  const weights = new Float32Array(out.size);
  let k = 0;
  for (const [t, w] of out) {
    targets[k] = t;
    weights[k++] = w / total;
  }
  return [targets, weights];
}

export function buildGraph(nodes: number, edges: ReadonlyMap<number, ReadonlyMap<number, number>>): Graph {
  const targets: (Uint32Array | undefined)[] = [];
  const weights: (Float32Array | undefined)[] = [];
  for (let n = 0; n < nodes; n++) {
    const e = normalizedEdges(edges.get(n));
    targets.push(e?.[0]);
    weights.push(e?.[1]);
  }
  return { nodes, order: Array.from({ length: nodes }, (_, i) => i), targets, weights };
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
  let total = 0;
  for (const v of seeds.values()) total += v;
  if (total <= 0) return new Float64Array(n);
  const seedNodes = new Uint32Array(seeds.size);
  const seedShare = new Float64Array(seeds.size);
  let s = 0;
  for (const [node, v] of seeds) {
    seedNodes[s] = node;
    seedShare[s++] = v / total;
  }
  const { order, targets, weights } = graph;
  // Two buffers, swapped each round: a question walks tens of thousands of nodes
  // 20 times, and a fresh array per round was garbage the next question paid for.
  let rank = new Float64Array(n);
  for (let i = 0; i < s; i++) rank[seedNodes[i]!] = seedShare[i]!;
  let next = new Float64Array(n);
  for (let it = 0; it < iterations; it++) {
    next.fill(0);
    let dangling = 0;
    for (let i = 0; i < order.length; i++) {
      const u = order[i]!;
      const r = rank[u]!;
      if (r === 0) continue;
      const to = targets[u];
      if (!to) {
        dangling += r;
        continue;
      }
      const w = weights[u]!;
      const dr = damping * r;
      for (let k = 0; k < to.length; k++) next[to[k]!]! += dr * w[k]!;
    }
    // Only seeds have a share of the jump; adding zero elsewhere would change nothing.
    const jump = 1 - damping + damping * dangling;
    for (let i = 0; i < s; i++) next[seedNodes[i]!]! += jump * seedShare[i]!;
    [rank, next] = [next, rank];
  }
  return rank;
}
