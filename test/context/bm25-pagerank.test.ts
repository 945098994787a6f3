import assert from "node:assert/strict";
import { test } from "node:test";
import { Bm25Index } from "../../src/core/context/bm25";
import { buildGraph, personalizedPageRank } from "../../src/core/context/pagerank";

const docs = (...ds: Record<number, number>[]) =>
  ds.map((d) => new Map(Object.entries(d).map(([k, v]) => [Number(k), v])));

test("BM25 matches the Okapi formula on a hand-computed case", () => {
  // Three documents; term 0 occurs in doc 0 (tf 2) only, term 1 in every document.
  const index = Bm25Index.fromCounts(docs({ 0: 2, 1: 1 }, { 1: 3 }, { 1: 1, 2: 1 }));
  const idf0 = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
  const avg = (3 + 3 + 2) / 3;
  const expected = (idf0 * 2 * 2.2) / (2 + 1.2 * (1 - 0.75 + (0.75 * 3) / avg));
  const [hit] = index.search(new Map([[0, 1]]), 10);
  assert.equal(hit!.doc, 0);
  assert.ok(Math.abs(hit!.score - expected) < 1e-9, `${hit!.score} vs ${expected}`);
});

test("BM25 prefers rare terms and ranks ties by document id", () => {
  const index = Bm25Index.fromCounts(docs({ 0: 1, 1: 1 }, { 1: 1 }, { 1: 1 }, { 0: 1 }));
  const hits = index.search(
    new Map([
      [0, 1],
      [1, 1],
    ]),
    10,
  );
  assert.deepEqual(
    hits.map((h) => h.doc),
    [0, 3, 1, 2],
  );
  assert.deepEqual(hits[0]!.terms.sort(), [0, 1]);
});

test("a dumped index loads with its postings table and searches alike; a table that does not fit is refused", () => {
  const index = Bm25Index.fromCounts(docs({ 0: 2, 1: 1 }, { 1: 3 }, { 1: 1, 2: 1 }, { 2: 4 }));
  index.remove(1);
  index.add(new Map([[0, 1]]));
  const query = new Map([
    [0, 1],
    [1, 1],
    [2, 1],
  ]);
  const dump = index.dump();
  const loaded = Bm25Index.load(dump);
  assert.deepEqual(loaded.search(query, 10), index.search(query, 10));
  assert.deepEqual(
    loaded
      .search(query, 10)
      .map((h) => h.doc)
      .sort(),
    [0, 2, 3, 4],
  );
  // Doc 1 was removed: a table listing it is corrupt, and so is one cut short.
  const listsRemoved = Uint32Array.from(dump.postings);
  listsRemoved[0] = 1;
  assert.throws(() => Bm25Index.load({ ...dump, postings: listsRemoved }), /missing document/);
  assert.throws(() => Bm25Index.load({ ...dump, postings: dump.postings.slice(2) }), /does not fit/);
});

test("a loaded index keeps growing like the one it was dumped from: past its tables' room, with new terms, with removals", () => {
  // A document of a few terms out of `span`, chosen by a fixed rule so the test is repeatable.
  const doc = (i: number, span: number) =>
    new Map([
      [i % span, 1 + (i % 3)],
      [(i * 7) % span, 1],
      [(i * 13 + 5) % span, 2],
    ]);
  const original = Bm25Index.fromCounts(Array.from({ length: 300 }, (_, i) => doc(i, 50)));
  const loaded = Bm25Index.load(original.dump());
  // Enough documents to outgrow the loaded tables, with term ids far past any seen so far.
  for (const index of [original, loaded]) {
    for (let i = 0; i < 3000; i++) index.add(doc(i, 5000));
    for (let d = 0; d < 3300; d += 7) index.remove(d);
  }
  const query = new Map([
    [3, 1],
    [4321, 2],
    [49, 1],
  ]);
  assert.deepEqual(loaded.search(query, 50), original.search(query, 50));
  assert.ok(loaded.search(query, 50).length > 10);
  assert.equal(loaded.size, original.size);
  assert.equal(loaded.df(4321), original.df(4321));
  assert.ok(loaded.df(4321) > 0);
  assert.deepEqual(loaded.dump(), original.dump());
});

test("search returns the best `limit` of a full scoring, in order, with each hit's terms, search after search", () => {
  // A fixed pseudo-random corpus with few terms, so scores tie often and most queries match far more than `limit`.
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const randomDoc = () =>
    new Map(Array.from({ length: 1 + next(4) }, () => [next(12), 1 + next(2)] as [number, number]));
  const index = Bm25Index.fromCounts(Array.from({ length: 400 }, randomDoc));
  const live = new Set(Array.from({ length: 400 }, (_, d) => d));
  // Removals and documents added after the postings table was built, so both kinds of postings are searched.
  const reference = (query: Map<number, number>, limit: number, compare: (a: number, b: number) => number) => {
    const lengths = new Map([...live].map((d) => [d, [...index.countsOf(d).values()].reduce((a, b) => a + b, 0)]));
    const avg = [...lengths.values()].reduce((a, b) => a + b, 0) / live.size;
    const hits = [];
    for (const doc of live) {
      const counts = index.countsOf(doc);
      let score = 0;
      const terms = [];
      for (const [term, qtf] of query) {
        const tf = counts.get(term);
        if (!tf) continue;
        const idf = (index.idf(term) * 2 * qtf) / (1 + qtf);
        score += (idf * (tf * 2.2)) / (tf + 1.2 * (1 - 0.75 + (0.75 * lengths.get(doc)!) / avg));
        terms.push(term);
      }
      if (terms.length > 0) hits.push({ doc, score, terms });
    }
    return hits.sort((x, y) => y.score - x.score || compare(x.doc, y.doc)).slice(0, limit);
  };
  const byId = (a: number, b: number) => a - b;
  const backwards = (a: number, b: number) => b - a;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 40; i++) {
      const d = next(400 + round * 150);
      if (live.delete(d)) index.remove(d);
    }
    for (let i = 0; i < 150; i++) live.add(index.add(randomDoc()));
    const query = new Map([
      [next(12), 1],
      [next(12), 1 + next(2)],
      [next(12), 1],
    ]);
    for (const [limit, compare] of [
      [5, byId],
      [60, backwards],
      [5000, byId],
    ] as const) {
      const got = index.search(query, limit, compare);
      assert.deepEqual(got, reference(query, limit, compare), `round ${round}, limit ${limit}`);
      assert.equal(got.length, Math.min(limit, reference(query, 1e9, compare).length));
    }
  }
});

test("personalized PageRank flows from the seeds along edges, and nowhere else", () => {
  // 0 → 1 → 2, and 3 is unconnected.
  const edges = new Map([
    [0, new Map([[1, 1]])],
    [1, new Map([[2, 1]])],
  ]);
  const rank = personalizedPageRank(buildGraph(4, edges), new Map([[0, 1]]), 0.5, 50);
  assert.ok(rank[0]! > rank[1]! && rank[1]! > rank[2]! && rank[2]! > 0);
  assert.equal(rank[3], 0);
  const total = rank.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `mass is kept: ${total}`);
});

test("edge weights split the walk between targets", () => {
  const edges = new Map([
    [
      0,
      new Map([
        [1, 3],
        [2, 1],
      ]),
    ],
  ]);
  const rank = personalizedPageRank(buildGraph(3, edges), new Map([[0, 1]]), 0.5, 50);
  assert.ok(Math.abs(rank[1]! / rank[2]! - 3) < 1e-9);
});
