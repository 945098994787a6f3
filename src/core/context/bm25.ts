/**
 * Okapi BM25 over a changing set of documents, with term ids and flat postings
 * so that a 30 MB repository indexes in a second and answers a 200-word
 * question in milliseconds. Documents are added and removed one at a time;
 * document frequencies, the document count and the total length stay exact,
 * so scores never depend on the order of edits.
 *
 * Storage is flat so that it persists and restores as a handful of typed
 * arrays: every document's [term, tf] pairs sit one after another in `terms`,
 * and the postings are a compressed table (`postStart` into `postings`) built
 * in one pass, plus short per-term lists for documents added since. A removed
 * document is marked dead and skipped; once dead pairs outnumber live ones, the
 * table is rebuilt from the live documents.
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

export interface Bm25Dump {
  /** Every document's [term, tf, …] pairs, one after another; `offsets[doc]` is where each starts. */
  terms: Uint32Array;
  offsets: Float64Array;
  dead: Uint8Array;
  lengths: Float64Array;
  dfs: Uint32Array;
  /** The postings table of the live documents, so a restore need not rebuild it. */
  postStart: Uint32Array;
  postings: Uint32Array;
}

/** Positions in `Bm25Index.pairs`. */
const LIVE = 0;
const DEAD = 1;
const ADDED = 2;

export class Bm25Index {
  private terms: Uint32Array<ArrayBufferLike> = new Uint32Array(1024);
  private used = 0;
  // Per-document and per-term tables are typed arrays with room to grow: a restore takes them as
  // they were saved, and their element kind never changes, so a sync never deoptimizes a search.
  private docs = 0;
  private offsets: Float64Array<ArrayBufferLike> = new Float64Array(1025);
  private dead: Uint8Array<ArrayBufferLike> = new Uint8Array(1024);
  private lengths: Float64Array<ArrayBufferLike> = new Float64Array(1024);
  private dfs: Uint32Array<ArrayBufferLike> = new Uint32Array(1024);
  /** One more than the largest term id seen: the length of the dumped `dfs`. */
  private termSpan = 0;
  /** postings[postStart[t] .. postStart[t + 1]) = [doc, tf, doc, tf, …] for the documents present at the last rebuild. */
  private postStart: Uint32Array<ArrayBufferLike> = new Uint32Array(1);
  private postings: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  /** Postings of documents added since the last rebuild, by term, for documents below `listed`. */
  private added = new Map<number, number[]>();
  /** Documents below this id are in the table or in `added`; the rest get there before the next search. */
  private listed = 0;
  private live = 0;
  private totalLength = 0;
  /**
   * [term, tf] pairs of live documents, of dead ones not yet rebuilt away, and of documents added
   * since the last rebuild. A typed array, because a restore leaves the last two untouched until
   * the first edit, and a first write to a field then would change this object's hidden class and
   * throw away the optimized code of every search (the first question after the first edit paid).
   */
  private readonly pairs = new Float64Array(3);
  /** Scratch tables that `search` reuses, so a question allocates nothing per matched document (see `search`). */
  private readonly scratch = new SearchScratch();

  constructor(private readonly params: Bm25Params = DEFAULT_BM25) {}

  /** Builds from per-document term counts: `counts[doc]` maps term id → frequency. */
  static fromCounts(counts: readonly ReadonlyMap<number, number>[], params = DEFAULT_BM25): Bm25Index {
    const index = new Bm25Index(params);
    for (const c of counts) index.add(c);
    return index;
  }

  /** Adds a document; returns its id (ids are never reused). */
  add(counts: ReadonlyMap<number, number>): number {
    return this.push(counts.size, (emit) => {
      for (const [term, tf] of counts) emit(term, tf);
    });
  }

  private push(size: number, each: (emit: (term: number, tf: number) => void) => void): number {
    const doc = this.docs;
    if (this.used + size * 2 > this.terms.length)
      this.terms = resized(this.terms, this.used, Math.max(this.terms.length * 2, this.used + size * 2));
    if (doc + 1 >= this.lengths.length) this.growDocs();
    let length = 0;
    each((term, tf) => {
      this.terms[this.used++] = term;
      this.terms[this.used++] = tf;
      length += tf;
      if (term >= this.dfs.length) this.growTerms(term + 1);
      this.dfs[term]!++;
      if (term >= this.termSpan) this.termSpan = term + 1;
    });
    this.docs++;
    this.offsets[this.docs] = this.used;
    this.dead[doc] = 0;
    this.lengths[doc] = length;
    this.live++;
    this.totalLength += length;
    this.pairs[LIVE]! += size;
    this.pairs[ADDED]! += size;
    return doc;
  }

  private growDocs(): void {
    const capacity = Math.max(1024, this.lengths.length * 2);
    this.offsets = resized(this.offsets, this.docs + 1, capacity + 1);
    this.dead = resized(this.dead, this.docs, capacity);
    this.lengths = resized(this.lengths, this.docs, capacity);
  }

  private growTerms(needed: number): void {
    this.dfs = resized(this.dfs, this.dfs.length, Math.max(needed, this.dfs.length * 2));
  }

  /** Adds a document given as flat [term, tf, term, tf, …] pairs (a persisted document); returns its id. */
  addPairs(pairs: Uint32Array): number {
    const size = pairs.length >> 1;
    return this.push(size, (emit) => {
      for (let i = 0; i + 1 < pairs.length; i += 2) emit(pairs[i]!, pairs[i + 1]!);
    });
  }

  /** A document's term counts, as it was added. */
  countsOf(doc: number): Map<number, number> {
    const counts = new Map<number, number>();
    for (let k = this.offsets[doc]!; k < this.offsets[doc + 1]!; k += 2) counts.set(this.terms[k]!, this.terms[k + 1]!);
    return counts;
  }

  remove(doc: number): void {
    if (doc >= this.docs || this.dead[doc]) return;
    const from = this.offsets[doc]!;
    const to = this.offsets[doc + 1]!;
    for (let k = from; k < to; k += 2) this.dfs[this.terms[k]!]!--;
    this.dead[doc] = 1;
    this.live--;
    this.totalLength -= this.lengths[doc]!;
    this.pairs[LIVE]! -= (to - from) / 2;
    this.pairs[DEAD]! += (to - from) / 2;
    if (this.pairs[DEAD]! > 1024 && this.pairs[DEAD]! > this.pairs[LIVE]!) this.rebuild();
  }

  /** Rewrites the postings table from the live documents (a counting pass, then a filling pass). */
  private rebuild(): void {
    const termCount = this.termSpan;
    const start = new Uint32Array(termCount + 1);
    const docs = this.docs;
    for (let doc = 0; doc < docs; doc++) {
      if (this.dead[doc]) continue;
      for (let k = this.offsets[doc]!; k < this.offsets[doc + 1]!; k += 2) start[this.terms[k]! + 1]! += 2;
    }
    for (let t = 0; t < termCount; t++) start[t + 1]! += start[t]!;
    const postings = new Uint32Array(start[termCount]!);
    const fill = start.slice(0, termCount);
    for (let doc = 0; doc < docs; doc++) {
      if (this.dead[doc]) continue;
      for (let k = this.offsets[doc]!; k < this.offsets[doc + 1]!; k += 2) {
        const term = this.terms[k]!;
        postings[fill[term]!++] = doc;
        postings[fill[term]!++] = this.terms[k + 1]!;
      }
    }
    this.postStart = start;
    this.postings = postings;
    this.added.clear();
    this.pairs[ADDED] = 0;
    this.pairs[DEAD] = 0;
    this.listed = docs;
  }

  /**
   * Lists documents added since the last search: a few go into short per-term
   * lists, many (a build) into a rebuilt table. Adding itself stays a copy into
   * `terms`, so a build costs one pass over its pairs, not a list per term.
   */
  private catchUp(): void {
    if (this.listed === this.docs) return;
    if (this.pairs[ADDED]! > 1024 && this.pairs[ADDED]! * 4 > this.pairs[LIVE]!) {
      this.rebuild();
      return;
    }
    for (let doc = this.listed; doc < this.docs; doc++) {
      if (this.dead[doc]) continue;
      for (let k = this.offsets[doc]!; k < this.offsets[doc + 1]!; k += 2) {
        const term = this.terms[k]!;
        let list = this.added.get(term);
        if (!list) this.added.set(term, (list = []));
        list.push(doc, this.terms[k + 1]!);
      }
    }
    this.listed = this.docs;
  }

  /** Makes recent additions searchable now (a host's warm-up), rather than on the next search. */
  settle(): void {
    this.catchUp();
  }

  /**
   * The index's state as a few flat arrays. The postings table is rebuilt
   * first when documents were added or removed since the last rebuild, so the
   * dumped table lists exactly the live documents.
   */
  dump(): Bm25Dump {
    if (this.listed !== this.docs || this.added.size > 0 || this.pairs[DEAD]! > 0) this.rebuild();
    return {
      // The table is never written in place (a rebuild makes new arrays), so it is shared, not copied.
      postStart: this.postStart,
      postings: this.postings,
      terms: this.terms.slice(0, this.used),
      offsets: this.offsets.slice(0, this.docs + 1),
      dead: this.dead.slice(0, this.docs),
      lengths: this.lengths.slice(0, this.docs),
      dfs: this.dfs.slice(0, this.termSpan),
    };
  }

  static load(dump: Bm25Dump, params = DEFAULT_BM25): Bm25Index {
    const index = new Bm25Index(params);
    // Room to grow, so the first documents added after a restore do not copy the whole table.
    index.terms = resized(dump.terms, dump.terms.length, dump.terms.length + Math.max(1 << 16, dump.terms.length >> 3));
    index.used = dump.terms.length;
    const docs = dump.lengths.length;
    if (dump.offsets.length !== docs + 1 || dump.dead.length !== docs) throw new Error("the document tables disagree");
    // Copied into arrays made here, with room to grow: arrays that came out of deserialization
    // have other hidden classes, and swapping them for grown ones later would throw away the
    // optimized code of every search (the first question after the first edit paid for it).
    const room = Math.max(1024, docs >> 3);
    index.docs = docs;
    index.offsets = resized(dump.offsets, docs + 1, docs + room + 1);
    index.dead = resized(dump.dead, docs, docs + room);
    index.lengths = resized(dump.lengths, docs, docs + room);
    index.dfs = resized(dump.dfs, dump.dfs.length, dump.dfs.length + Math.max(1024, dump.dfs.length >> 3));
    index.termSpan = dump.dfs.length;
    for (let doc = 0; doc < docs; doc++) {
      if (index.dead[doc]) continue;
      index.live++;
      index.totalLength += index.lengths[doc]!;
      index.pairs[LIVE]! += (index.offsets[doc + 1]! - index.offsets[doc]!) / 2;
    }
    checkPostings(dump, docs);
    index.postStart = dump.postStart;
    index.postings = dump.postings;
    index.listed = docs;
    return index;
  }

  /** Live documents. */
  get size(): number {
    return this.live;
  }

  /** Document frequency of a term. */
  df(term: number): number {
    return term < this.termSpan ? this.dfs[term]! : 0;
  }

  idf(term: number): number {
    const n = this.size;
    const df = this.df(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * Scores every document containing a query term; returns the best `limit`,
   * best first. Ties go by `compare` (by doc id when none is given), which must
   * be a total order for results not to depend on the order documents came in.
   */
  search(query: ReadonlyMap<number, number>, limit: number, compare?: (a: number, b: number) => number): Bm25Hit[] {
    this.catchUp();
    const { k1, b } = this.params;
    const avgLength = this.live > 0 ? this.totalLength / this.live : 0;
    // Scores, matched documents and (doc, term) matches live in reused typed arrays. A common term
    // matches tens of thousands of documents; an object per match outlived the young generation
    // and left megabytes of garbage in the old one per question, which set the process's peak memory.
    let visits = 0;
    for (const term of query.keys()) {
      if (this.df(term) === 0) continue;
      if (term + 1 < this.postStart.length) visits += (this.postStart[term + 1]! - this.postStart[term]!) / 2;
      visits += (this.added.get(term)?.length ?? 0) / 2;
    }
    const s = this.scratch.reserve(this.docs, visits);
    const { scores, seen, matched, matches } = s;
    let nMatched = 0;
    let nMatches = 0;
    const visit = (list: ArrayLike<number>, from: number, to: number, term: number, idf: number) => {
      for (let i = from; i < to; i += 2) {
        const doc = list[i]!;
        if (this.dead[doc]) continue;
        const tf = list[i + 1]!;
        const norm = tf + k1 * (1 - b + (b * this.lengths[doc]!) / avgLength);
        if (seen[doc] !== s.stamp) {
          seen[doc] = s.stamp;
          scores[doc] = 0;
          matched[nMatched++] = doc;
        }
        scores[doc]! += (idf * (tf * (k1 + 1))) / norm;
        matches[nMatches++] = doc;
        matches[nMatches++] = term;
      }
    };
    for (const [term, qtf] of query) {
      if (this.df(term) === 0) continue;
      // Repeats in a long question count, but with saturation (BM25's k3 = 1).
      const idf = (this.idf(term) * 2 * qtf) / (1 + qtf);
      if (term + 1 < this.postStart.length)
        visit(this.postings, this.postStart[term]!, this.postStart[term + 1]!, term, idf);
      const extra = this.added.get(term);
      if (extra) visit(extra, 0, extra.length, term, idf);
    }
    const tie = compare ?? ((x: number, y: number) => x - y);
    const before = (x: number, y: number) => scores[y]! - scores[x]! || tie(x, y);
    const best = topK(matched, nMatched, limit, before);
    // Pushed, not mapped: `Array.prototype.map` makes a holey array in some tiers and a packed one in
    // others, and callers optimized for one kind deoptimized at every search that returned the other.
    const hits: Bm25Hit[] = [];
    for (const doc of best) hits.push({ doc, score: scores[doc]!, terms: [] });
    // Each best document's matched terms, in the order the query visited them.
    const { slot } = s;
    hits.forEach((h, i) => (slot[h.doc] = i + 1));
    for (let k = 0; k < nMatches; k += 2) {
      const at = slot[matches[k]!]!;
      if (at) hits[at - 1]!.terms.push(matches[k + 1]!);
    }
    for (const h of hits) slot[h.doc] = 0;
    return hits;
  }
}

/**
 * The tables one search works in, kept between searches. `seen[doc] === stamp`
 * marks a document matched by the current search, so nothing is cleared per search.
 */
class SearchScratch {
  scores = new Float64Array(0);
  seen = new Uint32Array(0);
  /** 1 + the rank of each document among the best hits; 0 for the rest (cleared after use). */
  slot = new Uint32Array(0);
  matched = new Uint32Array(0);
  /** [doc, term] per match. */
  matches = new Uint32Array(0);
  stamp = 0;

  reserve(docs: number, visits: number): this {
    if (this.scores.length < docs) {
      const size = docs + (docs >> 2);
      this.scores = new Float64Array(size);
      this.seen = new Uint32Array(size);
      this.slot = new Uint32Array(size);
      this.matched = new Uint32Array(size);
      this.stamp = 0;
    }
    if (this.matches.length < 2 * visits) this.matches = new Uint32Array(2 * visits + (visits >> 1));
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this;
  }
}

/**
 * The first `k` of `items[0 .. n)` in the order `before` (a total order), in
 * that order: a bounded heap whose root is the worst kept item, so most items
 * cost one comparison, then a sort of the `k` kept.
 */
function topK(items: Uint32Array, n: number, k: number, before: (x: number, y: number) => number): number[] {
  const heap: number[] = [];
  if (k <= 0) return heap;
  const worse = (i: number, j: number) => before(heap[i]!, heap[j]!) > 0;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const c = l + 1 < heap.length && worse(l + 1, l) ? l + 1 : l;
      if (!worse(c, i)) return;
      [heap[i], heap[c]] = [heap[c]!, heap[i]!];
      i = c;
    }
  };
  for (let idx = 0; idx < n; idx++) {
    const item = items[idx]!;
    if (heap.length < k) {
      heap.push(item);
      for (let i = heap.length - 1; i > 0;) {
        const parent = (i - 1) >> 1;
        if (!worse(i, parent)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (before(item, heap[0]!) < 0) {
      heap[0] = item;
      down(0);
    }
  }
  return heap.sort(before);
}

/** A new array of `size` elements, of `from`'s own kind, holding `from`'s first `used`: room to grow. */
function resized<T extends Uint8Array | Uint32Array | Float64Array>(from: T, used: number, size: number): T {
  const to = new (from.constructor as new (length: number) => T)(size);
  to.set(from.subarray(0, used));
  return to;
}

/** A persisted table that does not fit its documents is corrupt: the restore fails and the index is rebuilt. */
function checkPostings(dump: Bm25Dump, docs: number): void {
  const { postStart, postings } = dump;
  if (postStart.length !== dump.dfs.length + 1 || postStart[postStart.length - 1] !== postings.length)
    throw new Error("the postings table does not fit its terms");
  for (let t = 0; t + 1 < postStart.length; t++)
    if (postStart[t]! > postStart[t + 1]!) throw new Error("the postings table is out of order");
  for (let k = 0; k < postings.length; k += 2)
    if (postings[k]! >= docs || dump.dead[postings[k]!]) throw new Error("a posting names a missing document");
}
