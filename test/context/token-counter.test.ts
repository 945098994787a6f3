import assert from "node:assert/strict";
import { test } from "node:test";
import { get_encoding } from "tiktoken";
import { TokenCounter } from "../../src/core/context/token-counter";

test("remembered counts stay exact across repeats, evictions and texts too large to remember", () => {
  const reference = get_encoding("o200k_base");
  const exact = (t: string) => reference.encode_ordinary(t).length;
  const counter = new TokenCounter("o200k_base", 400);
  try {
    // Same length, different counts: a memo keyed by anything but the whole text would mix them up.
    const texts = ["aaaaaaaa", "a b c d ", "def f():", "<|endoftext|>", "x".repeat(60), "é".repeat(60)];
    for (let i = 0; i < 40; i++) texts.push(`line ${i}: ${"word ".repeat(i % 7)}${i * 7919}`);
    const big = "def g(x):\n    return x\n".repeat(10); // 240 units: over an eighth of 400, never remembered
    for (let round = 0; round < 3; round++) {
      for (const t of texts) assert.equal(counter.count(t), exact(t), JSON.stringify(t));
      assert.equal(counter.count(big), exact(big));
      const { units } = counter.remembered;
      assert.ok(units <= 400, `the memo holds ${units} units, over its bound of 400`);
    }
    assert.ok(counter.remembered.texts > 0, "nothing was remembered");
    assert.ok(counter.remembered.texts < texts.length, "the bound evicted nothing");
  } finally {
    counter.dispose();
    reference.free();
  }
});
