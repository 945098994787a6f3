import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { get_encoding } from "tiktoken";
import { TokenCounter } from "../../src/core/context/token-counter";
import { WorkerEncoder } from "../../src/core/context/worker-encoder";

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

test("a worker-thread encoder counts what tiktoken counts here, texts past its buffer and odd text included", () => {
  const reference = get_encoding("o200k_base");
  const encoder = new WorkerEncoder("o200k_base");
  try {
    const texts = [
      "",
      "def f(x):\n    return x + 1\n",
      "<|endoftext|> is text here",
      "naïve café 日本語 🎉🎉",
      "lone \ud800 surrogate",
      "\u0000 nul and \r\n crlf",
      // Over the 1 MB shared buffer, twice: it grows, then grows again.
      "export const a = 1;\n".repeat(60_000),
      "über naïve ünïcödé\n".repeat(80_000),
      "back to small",
    ];
    for (const t of texts) assert.equal(encoder.count(t), reference.encode_ordinary(t).length, t.slice(0, 40));
    assert.equal(encoder.fellBack, undefined);
  } finally {
    encoder.dispose();
    reference.free();
  }
});

test("a worker-thread encoder that is missing or silent falls back to this thread, and the log says why", () => {
  const exact = new TokenCounter("o200k_base");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-token-worker-"));
  const silent = path.join(dir, "silent.js");
  // Alive but never answering.
  fs.writeFileSync(silent, "setInterval(() => {}, 1000);\n");
  try {
    for (const [script, why] of [
      [path.join(dir, "missing.js"), /no token worker script/],
      [silent, /did not answer in 300 ms/],
    ] as const) {
      const lines: string[] = [];
      const encoder = new WorkerEncoder("o200k_base", { script, timeoutMs: 300, log: (l) => lines.push(l) });
      try {
        for (const t of ["def f(x):\n    return x\n", "second text"]) assert.equal(encoder.count(t), exact.count(t));
        assert.match(encoder.fellBack ?? "", why);
        assert.equal(lines.length, 1, lines.join("\n"));
        assert.match(lines[0]!, /counting tokens on the main thread/);
      } finally {
        encoder.dispose();
      }
    }
  } finally {
    exact.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
