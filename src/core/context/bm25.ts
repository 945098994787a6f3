/**
 * Okapi BM25 over a fixed set of documents, with term ids and flat postings
 * so that a 30 MB repository indexes in a second and answers a 200-word
 * question in milliseconds. Documents are given as term-id lists.
 */

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

export interface Bm25Hit {
  doc: number;
  score: number;
  /** Term ids that matched. */
  terms: number[];
}

export class Bm25Index {
  private readonly docLength: Float64Array;
  private readonly avgLength: number;
  /** postings[term] = [doc0, tf0, doc1, tf1, …] */
  private readonly postings: Uint32Array[];

  private constructor(
    docLength: Float64Array,
    postings: Uint32Array[],
    private readonly params: Bm25Params,
  ) {
    this.docLength = docLength;
    this.postings = postings;
    let total = 0;
    for (const l of docLength) total += l;
    this.avgLength = docLength.length > 0 ? total / docLength.length : 0;
  }

  /** Builds from per-document term counts: `counts[doc]` maps term id → frequency. */
  static fromCounts(counts: readonly Map<number, number>[], vocabulary: number, params = DEFAULT_BM25): Bm25Index {
    const docLength = new Float64Array(counts.length);
    const sizes = new Uint32Array(vocabulary);
    counts.forEach((c, doc) => {
      let len = 0;
      for (const [term, tf] of c) {
        sizes[term]! += 2;
        len += tf;
      }
      docLength[doc] = len;
    });
    const postings = Array.from(sizes, (n) => new Uint32Array(n));
    const fill = new Uint32Array(vocabulary);
    counts.forEach((c, doc) => {
      for (const [term, tf] of c) {
        const list = postings[term]!;
        list[fill[term]!++] = doc;
        list[fill[term]!++] = tf;
      }
    });
    return new Bm25Index(docLength, postings, params);
  }

  get size(): number {
    return this.docLength.length;
  }

  /** Document frequency of a term. */
  df(term: number): number {
    return (this.postings[term]?.length ?? 0) / 2;
  }

  idf(term: number): number {
    const n = this.size;
    const df = this.df(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Scores every document containing a query term; returns the best `limit`, best first, ties by doc id. */
  search(query: ReadonlyMap<number, number>, limit: number): Bm25Hit[] {
    const { k1, b } = this.params;
    const scores = new Float64Array(this.size);
    const matched = new Map<number, number[]>();
    for (const [term, qtf] of query) {
      const list = this.postings[term];
      if (!list || list.length === 0) continue;
      // Repeats in a long question count, but with saturation (BM25's k3 = 1).
      const idf = (this.idf(term) * 2 * qtf) / (1 + qtf);
      for (let i = 0; i < list.length; i += 2) {
        const doc = list[i]!;
        const tf = list[i + 1]!;
        const norm = tf + k1 * (1 - b + (b * this.docLength[doc]!) / this.avgLength);
        scores[doc]! += (idf * (tf * (k1 + 1))) / norm;
        const m = matched.get(doc);
        if (m) m.push(term);
        else matched.set(doc, [term]);
      }
    }
    const hits: Bm25Hit[] = [];
    for (const [doc, terms] of matched) hits.push({ doc, score: scores[doc]!, terms });
    hits.sort((x, y) => y.score - x.score || x.doc - y.doc);
    return hits.slice(0, limit);
  }
}
