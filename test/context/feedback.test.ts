import assert from "node:assert/strict";
import { test } from "node:test";
import { describeReason } from "../../src/core/chat/inspector-model";
import { expandQuery } from "../../src/core/context/feedback";
import { rankUnits } from "../../src/core/context/rank";
import { engineFor } from "../helpers/context";

// The question says "cache decorator" and "remember"; the code that stores and evicts says
// `lru_table` and `evict_oldest`, words only the decorator's docstring shares with it.
const MEMO = `
//- memo/decorator.py
def remember(func):
    """The cache decorator: each result is remembered per argument tuple in an lru_table,
    and evict_oldest makes room when it is full."""
    return func


//- memo/table.py
def evict_oldest(lru_table, limit):
    while len(lru_table) > limit:
        lru_table.popitem(last=False)


//- memo/render.py
def format_result(value):
    return "=> " + repr(value)
`;

const QUESTION = "How does the cache decorator remember a result for each argument?";

test("words the best match shares with other code find that code, and the reason says they were borrowed", async () => {
  const ctx = await engineFor(MEMO);
  try {
    const ranked = rankUnits(ctx.retrieval, QUESTION, undefined, false);
    const position = (name: string) => ranked.findIndex((r) => ctx.retrieval.units[r.unit]!.name === name);
    assert.equal(position("remember"), 0);
    const evict = ranked[position("evict_oldest")];
    assert.ok(evict, "evict_oldest is ranked");
    const lexical = evict.reasons.find((r) => r.kind === "bm25");
    assert.ok(lexical?.kind === "bm25" && lexical.borrowed?.includes("evict_oldest"), JSON.stringify(evict.reasons));
    // None of the question's own words are in it: it is found by the borrowed ones alone.
    assert.deepEqual(lexical.terms, []);
    assert.match(describeReason(lexical), /^lexical match [\d.]+ \(borrowed from the best matches: .*evict_oldest/);
    // The best match has both: the question's words, then the borrowed ones, apart.
    const own = ranked[0]!.reasons.find((r) => r.kind === "bm25")!;
    assert.match(
      describeReason(own),
      /^lexical match 1 \((\w+, )*cache(, \w+)*; borrowed from the best matches: [\w, ]+\)$/,
    );
  } finally {
    ctx.cleanup();
  }
});

test("a question that names code borrows less: each named identifier divides the borrowed words' weight", async () => {
  const ctx = await engineFor(MEMO);
  try {
    const asked = ctx.retrieval.query(QUESTION);
    const hits = ctx.retrieval.searchUnits(asked, 10);
    const plain = expandQuery(ctx.retrieval, asked, hits, 0);
    const naming = expandQuery(ctx.retrieval, asked, hits, 3);
    assert.ok(plain.borrowed.length > 0);
    assert.deepEqual(naming.borrowed, plain.borrowed);
    for (const [term, weight] of asked)
      assert.equal(plain.query.get(term), weight, "the question's own words keep their weight");
    const best = plain.borrowed[0]!;
    const weight = plain.query.get(best)!;
    assert.ok(weight > 0 && weight <= 0.5, `a borrowed word weighs at most half a question word: ${weight}`);
    assert.equal(naming.query.get(best), weight / 4);
  } finally {
    ctx.cleanup();
  }
});
