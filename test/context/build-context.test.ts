import assert from "node:assert/strict";
import { after, test } from "node:test";
import type { ContextPackage } from "../../src/core/context/types";
import { SHOP, engineFor, fileOfSpan } from "../helpers/context";

const ctx = engineFor(SHOP);
after(async () => (await ctx).cleanup());

/** Every range a package claims is present, numbered and verbatim, in its text. */
async function assertRangesVerbatim(pack: ContextPackage) {
  const { retrieval } = await ctx;
  for (const span of pack.spans) {
    const lines = retrieval.lines.get(span.file)!;
    for (const [start, end] of span.ranges) {
      for (let n = start; n <= end; n++) {
        // Numbers are padded to the width of the span's last line; a blank line ends at the bar.
        const text = lines[n - 1]!;
        const expected = `${n} |${text === "" ? "" : ` ${text}`}\n`;
        assert.ok(
          new RegExp(`^ *${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m").test(pack.text),
          `${span.id} ${span.file}:${n} not verbatim in the text`,
        );
      }
    }
  }
}

test("the answer-bearing function is included in full, with its reasons", async () => {
  const { engine } = await ctx;
  const pack = engine.build("How is the refund computed, and what is the restocking fee?", { budget: 600 });
  const refund = pack.spans.find((s) => s.symbol === "compute_refund");
  assert.ok(refund, pack.text);
  assert.equal(refund.detail, "full");
  assert.deepEqual(refund.ranges, [[5, 11]]);
  assert.ok(refund.reasons.some((r) => r.kind === "bm25"));
  assert.ok(pack.spans.some((s) => s.symbol === "restocking_fee"));
  assert.ok(!pack.spans.some((s) => s.symbol === "delivery_days"), "an unrelated function is left out");
  await assertRangesVerbatim(pack);
});

test("ids are S1..Sn in order of appearance, each under its file's header", async () => {
  const { engine } = await ctx;
  const pack = engine.build("refund restocking fee round cents order", { budget: 2000 });
  assert.deepEqual(
    pack.spans.map((s) => s.id),
    pack.spans.map((_, i) => `S${i + 1}`),
  );
  let last = -1;
  for (const s of pack.spans) {
    const at = pack.text.indexOf(`\n[${s.id}] `);
    assert.ok(at > last, `${s.id} appears after the previous span`);
    assert.equal(fileOfSpan(pack.text, s.id), s.file, `${s.id}'s file`);
    last = at;
  }
  assert.match(pack.text, /# Outline\nshop\/\n( {2}\w+\.py\n)* {2}\w+\.py\n {4}(def|class) \w+/);
});

test("the budget is never exceeded, whatever it is, and is used well when there is enough to say", async () => {
  const { engine } = await ctx;
  let seed = 11;
  for (let i = 0; i < 40; i++) {
    seed = (seed * 48271) % 2147483647;
    const budget = 20 + (seed % 1500);
    const pack = engine.build("refund order money shipping cost delivery format", { budget });
    const exact = engine.counter().count(pack.text);
    assert.equal(pack.tokens, exact, "reported tokens are the exact count of the text");
    assert.ok(exact <= budget, `${exact} > ${budget}`);
  }
  const roomy = engine.build("refund order money shipping cost delivery format", { budget: 400 });
  assert.ok(roomy.tokens >= 400 * 0.6, `only ${roomy.tokens} of 400 tokens used`);
});

test("an identifier in the question finds its definition exactly", async () => {
  const { engine } = await ctx;
  const pack = engine.build("Why does format_money print two decimals?", { budget: 500 });
  const span = pack.spans.find((s) => s.symbol === "format_money");
  assert.ok(span);
  assert.ok(span.reasons.some((r) => r.kind === "identifier" && r.name === "format_money"));
});

test("a file:line mention picks the unit holding that line", async () => {
  const { engine } = await ctx;
  const pack = engine.build("What happens at shop/shipping.py:3 ?", { budget: 500 });
  const span = pack.spans.find((s) => s.symbol === "shipping_cost");
  assert.ok(span?.reasons.some((r) => r.kind === "line" && r.mention === "shop/shipping.py:3"));
});

test("the editor's selection lifts the selected code", async () => {
  const { engine } = await ctx;
  const pack = engine.build("what does this do?", {
    budget: 300,
    editor: { selection: { file: "shop/shipping.py", start: 7, end: 8 }, activeFile: "shop/shipping.py" },
  });
  const best = [...pack.spans].sort((a, b) => b.score - a.score)[0];
  assert.equal(best?.symbol, "delivery_days");
  assert.ok(best.reasons.some((r) => r.kind === "editor" && r.what === "selection"));
});

test("the reference graph brings in what the best hit calls", async () => {
  const { engine } = await ctx;
  const pack = engine.build("compute_refund", { budget: 1500 });
  const called = pack.spans.find((s) => s.symbol === "load_order");
  assert.ok(called, pack.text);
  assert.ok(called.reasons.some((r) => r.kind === "graph"));
});

test("tight budgets elide bodies and say what was pruned", async () => {
  const { engine } = await ctx;
  const pack = engine.build("refund order money shipping cost delivery format", { budget: 260 });
  assert.ok(pack.tokens <= 260);
  assert.ok(pack.pruned.length > 0);
  assert.ok(pack.pruned.every((p) => p.reason.length > 0 && p.ranges.length > 0));
  await assertRangesVerbatim(pack);
});

test("the package is plain JSON, and the same inputs give the same package", async () => {
  const { engine } = await ctx;
  const a = engine.build("refund fee", { budget: 800 });
  const b = engine.build("refund fee", { budget: 800 });
  const strip = (p: ContextPackage) => ({ ...p, stats: { ...p.stats, ms: {} } });
  assert.deepEqual(JSON.parse(JSON.stringify(strip(a))), strip(b));
});

test("an unknown encoding is refused clearly", async () => {
  const { engine } = await ctx;
  assert.throws(() => engine.build("x", { budget: 100, encoding: "gpt2-bogus" }), /unknown encoding "gpt2-bogus"/);
});

test("a question that names nothing still gets the code the repository leans on", async () => {
  const { engine } = await ctx;
  const pack = engine.build("what is this?", { budget: 400 });
  assert.ok(pack.spans.length > 0);
  assert.ok(pack.spans.every((s) => s.reasons.some((r) => r.kind === "graph")));
});

/**
 * 30 files `ledger/book_NN.py` of 8 functions of `lines` lines each; file i has `step` fewer lines
 * that match "ledger balance reconciled" than file i-1, then `extra(i)`.
 */
function ledgerBooks(lines: number, step: number, extra: (i: number) => string = () => ""): string {
  let spec = "";
  for (let i = 0; i < 30; i++) {
    spec += `//- ledger/book_${String(i).padStart(2, "0")}.py\n`;
    for (let j = 0; j < 8; j++) {
      spec += `def settle_${i}_${j}(entries):\n    total = 0\n`;
      for (let k = 0; k < lines; k++)
        spec +=
          k < lines - step * i
            ? `    total = reconcile(total, entries[${k}])  # ledger balance\n`
            : `    total = carry(total, ${k})\n`;
      spec += "    return total\n\n\n";
    }
    spec += extra(i);
  }
  return spec;
}

test("the second-best file's signatures leave breadth its room: at 4k the 14 best files each show a signature", async () => {
  // 30 files of ever fewer matches, as below, and the second-best file also defines 40 helpers
  // that nothing reaches: naming them all would take the room the weaker files' signatures need.
  const spec = ledgerBooks(60, 2, (i) =>
    i === 1
      ? Array.from({ length: 40 }, (_, h) => `def tally_${h}(count, weight, offset):\n    return count\n\n\n`).join("")
      : "",
  );
  const wide = await engineFor(spec);
  try {
    const pack = wide.engine.build("How is the ledger balance reconciled?", { budget: 4000 });
    const files = new Set(pack.spans.map((s) => s.file));
    // The second-best file still names what room is left.
    assert.ok(
      pack.spans.some((s) =>
        s.reasons.some((r) => r.kind === "bestFile" && r.place === 2 && s.file === "ledger/book_01.py"),
      ),
      pack.text,
    );
    for (let i = 0; i < 14; i++) assert.ok(files.has(`ledger/book_${String(i).padStart(2, "0")}.py`), `book ${i}`);
  } finally {
    wide.cleanup();
  }
});

test("breadth grows with the budget: at 8k tokens the 20 best files each show at least a signature", async () => {
  // 30 files of 8 similar functions; file i mentions the question's words less than file i-1.
  // Ranked by score alone, the elided signatures would all go to the first dozen files.
  const spec = ledgerBooks(30, 1);
  const wide = await engineFor(spec);
  try {
    const files = (budget: number) =>
      new Set(wide.engine.build("How is the ledger balance reconciled?", { budget }).spans.map((s) => s.file));
    const at8k = files(8000);
    for (let i = 0; i < 20; i++) assert.ok(at8k.has(`ledger/book_${String(i).padStart(2, "0")}.py`), `book ${i} at 8k`);
    assert.ok(files(4000).size < at8k.size, "a smaller budget shows fewer files");
  } finally {
    wide.cleanup();
  }
});

test("after the spans it shows, the next-ranked definitions are named by their signatures, a run of them in one span", async () => {
  // 40 tariff functions that all match the question, each too long for many to fit whole at 2k.
  let spec = "//- billing/tariffs.py\n";
  for (let i = 0; i < 40; i++) {
    spec += `@register("tariff_${i}")\ndef tariff_${i}(usage, season):\n    """Tariff ${i} for metered usage."""\n`;
    for (let k = 0; k < 14; k++)
      spec += `    usage = adjust(usage, ${k} * ${i} + season)  # metered tariff step ${k}\n`;
    spec += "    return usage\n\n\n";
  }
  const wide = await engineFor(spec);
  try {
    const pack = wide.engine.build("How is the metered tariff computed for a season?", { budget: 2000 });
    assert.ok(pack.tokens <= 2000);
    const lines = wide.retrieval.lines.get("billing/tariffs.py")!;
    const runs = pack.spans.filter((s) => s.detail === "signatures");
    assert.ok(runs.length > 0, pack.text);
    assert.ok(
      runs.some((s) => /signatures of \d+ more definitions/.test(headerOf(pack, s.id))),
      "neighbouring signatures share one span",
    );
    for (const s of runs)
      assert.ok(
        pack.pruned.some((p) => p.file === s.file && p.reason.startsWith("named by its signature only")),
        "the pruned list says why their bodies are missing",
      );
    const named = runs.flatMap((s) => s.ranges);
    assert.ok(named.length >= 5, `only ${named.length} signatures named`);
    for (const [a, b] of named) {
      // Each shows its decorator and its def line, verbatim with its real number, and nothing of its body.
      assert.match(lines[a - 1]!, /^@register/);
      assert.match(lines[b - 1]!, /^def tariff_\d+/);
      assert.ok(pack.text.includes(`${b} | ${lines[b - 1]}\n`), `${b} verbatim`);
      assert.ok(!pack.text.includes(`${b + 2} | ${lines[b + 1]}\n`), `the body after ${b} is left out`);
    }
    const full = pack.spans.filter((s) => s.detail === "full").length;
    assert.ok(full > 0, "the strongest are still shown whole");
    assert.ok(named.length > full, "more definitions are named than are shown whole");
  } finally {
    wide.cleanup();
  }
});

function headerOf(pack: ContextPackage, id: string): string {
  return pack.text.split("\n").find((l) => l.startsWith(`[${id}] `)) ?? "";
}
