import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { calibrate, DEFAULT_CALIBRATION } from "../../src/core/model/calibrate";
import { averagePool, DEFAULT_SCORING, scoreLines, scoreTokens } from "../../src/core/model/evaluator";
import { EvaluatorModel } from "../../src/core/model/evaluator-model";
import { LocalModel } from "../../src/core/model/local-model";
import { engineFor } from "../helpers/context";
import { makeTestModel, writeGguf } from "../helpers/test-model";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-heads-"));
const modelFile = path.join(dir, "planted.gguf");
const PLANTED = { layer: 2, head: 1 };
let model: LocalModel;

/**
 * Real-looking code for the haystack: a frozen copy of one of this repository's sources. Frozen, because
 * which heads win the needle probe depends on the text around the needle, and editing the live source
 * must not move a model test.
 */
const haystack = fs.readFileSync(path.join(__dirname, "fixtures", "haystack.ts.txt"), "utf8").split("\n");

before(async () => {
  writeGguf(modelFile, makeTestModel({ layers: 4, planted: PLANTED }), "Q8_0");
  model = await LocalModel.open(modelFile);
});
after(async () => {
  await model.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("calibration (needle probe)", () => {
  test("finds the planted exact-match head and its layer", async () => {
    const c = await calibrate(model, haystack, { ...DEFAULT_CALIBRATION, maxLayers: 4, topHeads: 1 });
    assert.equal(c.layer, PLANTED.layer);
    assert.deepEqual(c.heads, [PLANTED.head]);
    const planted = c.scores[PLANTED.layer]![PLANTED.head]!;
    const others = c.scores.flatMap((row, l) => row.filter((_, h) => l !== PLANTED.layer || h !== PLANTED.head));
    assert.ok(planted > 2 * Math.max(...others), `planted ${planted} vs best other ${Math.max(...others)}`);
  });

  test("keeps k heads of the best layer, and caches by model hash", async () => {
    const cacheDir = path.join(dir, "cache");
    const settings = { path: modelFile, layers: 4, heads: 3, window: 256, cacheDir };
    const first = await EvaluatorModel.load(settings, () => haystack);
    assert.equal(first.calibration.layer, PLANTED.layer);
    assert.equal(first.calibration.heads.length, 3);
    assert.ok(first.calibration.heads.includes(PLANTED.head));
    await first.release();
    assert.equal(fs.readdirSync(cacheDir).filter((f) => f.endsWith(".json")).length, 1);
    // From the cache: the model file is not opened until something is scored.
    const second = await EvaluatorModel.load(settings, () => assert.fail("calibrated again"));
    assert.deepEqual(second.calibration.heads, first.calibration.heads);
    assert.equal(second.loaded, false);
    // A corrupt cache is ignored and rewritten.
    for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), "{ not json");
    const third = await EvaluatorModel.load(settings, () => haystack);
    assert.equal(third.calibration.layer, PLANTED.layer);
    await third.release();
  });
});

describe("scoring", () => {
  test("the planted head puts the needle's lines on top", async () => {
    const lines = [
      ...haystack.slice(0, 120),
      "def lookup_amber_code():",
      '    return "quartz-9000"',
      ...haystack.slice(120, 240),
    ];
    const scores = await scoreLines(
      model,
      { layer: PLANTED.layer, heads: [PLANTED.head] },
      "what does lookup_amber_code return?",
      lines,
    );
    const order = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!);
    // Pooling spreads a little of the needle's score to its neighbours; the needle still leads.
    assert.equal(order[0], 120);
    assert.ok(order.slice(0, 3).includes(121), `top lines ${order.slice(0, 5).join(", ")}`);
    assert.equal(scores[120], 1);
  });

  test("long inputs run in windows: no run sees more than window + question tokens", async () => {
    const seen: number[] = [];
    const spy = Object.create(model) as LocalModel;
    spy.attention = (ids, rows, spec) => (seen.push(ids.length), model.attention(ids, rows, spec));
    const tokens = Array.from({ length: 700 }, (_, i) => (i * 7) % 300);
    const question = [5, 6, 7, 8];
    const scores = await scoreTokens(spy, { layer: 1, heads: [0, 1] }, tokens, question, {
      ...DEFAULT_SCORING,
      window: 256,
    });
    assert.deepEqual(seen, [260, 260, 192]);
    assert.equal(scores.length, 700);
    assert.ok(scores.every((s) => s >= 0 && s <= 2));
  });

  test("average pooling keeps the mean and smooths a spike over the kernel", () => {
    const v = new Float32Array(9);
    v[4] = 9;
    const p = averagePool(v, 3);
    assert.deepEqual([...p], [0, 0, 0, 3, 3, 3, 0, 0, 0]);
  });
});

describe("pruning with the evaluator heads", () => {
  test("keeps the needle's lines and drops unrelated ones; the package says which scorer ran", async () => {
    const body = Array.from({ length: 60 }, (_, i) => `    total_${i} = compute_step(values, ${i}) + offset_${i}`).join(
      "\n",
    );
    const ctx = await engineFor(`
//- warehouse/stock.py
def rebalance_inventory(values, offset):
${body.split("\n").slice(0, 30).join("\n")}
    vault_code = lookup_amber_code()
${body.split("\n").slice(30).join("\n")}
    return total_0


def lookup_amber_code():
    return "quartz-9000"
`);
    try {
      const settings = { path: modelFile, layers: 4, heads: 1, window: 512 };
      const evaluator = await EvaluatorModel.load(settings, () => haystack);
      const pack = await ctx.engine.buildScored("where is lookup_amber_code used?", { budget: 700 }, evaluator);
      await evaluator.release();
      assert.deepEqual(pack.scorer, {
        kind: "model",
        model: "planted.gguf",
        layer: PLANTED.layer,
        heads: [PLANTED.head],
      });
      const span = pack.spans.find((s) => s.symbol === "rebalance_inventory")!;
      assert.equal(span.detail, "pruned");
      const shown = span.ranges.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
      assert.ok(shown.includes(1), "signature kept");
      assert.ok(shown.includes(32), "the needle's line kept");
      assert.ok(shown.length < 40, `most of the 63 lines pruned (${shown.length} shown)`);
      assert.ok(pack.text.includes("32 |     vault_code = lookup_amber_code()"));
      assert.ok(
        pack.pruned.some((p) => p.symbol === "rebalance_inventory" && /lines pruned.*model scorer/.test(p.reason)),
      );
      assert.equal(span.lineScores.length, shown.length);
      assert.equal(span.lineScores[shown.indexOf(32)], Math.max(...span.lineScores), "the needle line leads its span");
    } finally {
      ctx.cleanup();
    }
  });

  test("a model that fails falls back to the lexical scorer and says why", async () => {
    const ctx = await engineFor(`
//- a.py
def alpha():
    return 1
`);
    try {
      const broken = {
        info: { kind: "model" as const, model: "broken.gguf", layer: 0, heads: [0] },
        scoreLines: () => Promise.reject(new Error("model file broken.gguf is truncated")),
      };
      const pack = await ctx.engine.buildScored("what does alpha return?", { budget: 500 }, broken);
      assert.equal(pack.scorer.kind, "lexical");
      assert.match(pack.scorer.kind === "lexical" ? (pack.scorer.fallback ?? "") : "", /truncated/);
      assert.ok(pack.text.includes("def alpha():"));
    } finally {
      ctx.cleanup();
    }
  });
});

describe("attention sorting", () => {
  test("file groups follow the planted head's attention, strongest nearest the question", async () => {
    // Only vault/codes.py holds the name the planted exact-match head attends to; the reports
    // share none of the question's tokens.
    const filler = (name: string) =>
      `def ${name}_report(values):\n` +
      Array.from({ length: 8 }, (_, i) => `    part_${i} = values[${i}] * 2  # doubled for totals`).join("\n") +
      `\n    return part_0\n`;
    const ctx = await engineFor(`
//- reports/daily.py
${filler("daily")}
//- reports/weekly.py
${filler("weekly")}
//- vault/codes.py
def lookup_amber_code():
    return "quartz-9000"


def use_codes(values):
    first = lookup_amber_code()
    second = lookup_amber_code()
    return first + second
//- reports/monthly.py
${filler("monthly")}
`);
    try {
      const settings = { path: modelFile, layers: 4, heads: 1, window: 512 };
      const evaluator = await EvaluatorModel.load(settings, () => haystack);
      const question = "where is the code lookup_amber_code used?";
      const sorted = await ctx.engine.buildScored(question, { budget: 900, attentionSort: true }, evaluator);
      const plain = await ctx.engine.buildScored(question, { budget: 900 }, evaluator);
      await evaluator.release();
      assert.equal(plain.attentionOrder, undefined, "off by default");
      const order = sorted.attentionOrder!;
      assert.ok(order.length >= 3, `${order.length} file groups`);
      // Recorded in the package, and the text follows it: weakest first, the needle's file last.
      const masses = order.map((o) => o.mass);
      assert.deepEqual(
        masses,
        [...masses].sort((a, b) => a - b),
      );
      assert.equal(order.at(-1)!.file, "vault/codes.py");
      assert.ok(order.at(-1)!.mass > 1.5 * order.at(-2)!.mass, masses.join(", "));
      const headers = [...sorted.text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      assert.deepEqual(
        headers,
        order.map((o) => o.file),
      );
      // The same spans as without sorting; only their order changed.
      assert.deepEqual(
        sorted.spans.map((s) => `${s.file}:${s.ranges}`).sort(),
        plain.spans.map((s) => `${s.file}:${s.ranges}`).sort(),
      );
    } finally {
      ctx.cleanup();
    }
  });
});
