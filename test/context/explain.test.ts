import assert from "node:assert/strict";
import { after, test } from "node:test";
import { buildPrompt } from "../../src/core/chat/prompt";
import { inspectorModel, toMarkdown } from "../../src/core/chat/inspector-model";
import { gatherCallPath } from "../../src/core/context/explain";
import { engineFor } from "../helpers/context";

const THREE_FILES = `
//- app/main.py
from app.cart import checkout


def run(cart):
    total = checkout(cart)
    print(total)
//- app/cart.py
from app.pricing import apply_tax, price_of


class Cart:
    def checkout(self):
        return checkout(self)


def checkout(cart):
    """Price the cart and add tax."""
    price = price_of(cart)
    return apply_tax(price)
//- app/pricing.py
def price_of(cart):
    return sum(item.price for item in cart.items)


def apply_tax(amount):
    return amount * 1.19


def unrelated():
    return 0
`;

const ctx = engineFor(THREE_FILES);
after(async () => (await ctx).cleanup());

test("the call path gathers callers, the definitions and the callees across three files, in that order", async () => {
  const { retrieval } = await ctx;
  const path = gatherCallPath(retrieval, { name: "checkout", file: "app/cart.py", line: 10 });
  assert.deepEqual(
    path.map((p) => `${p.role} ${p.file}:${p.line}`),
    [
      "caller app/main.py:4",
      // The one under the cursor first; the method of the same name is a definition too (names are not resolved by type).
      "definition app/cart.py:9",
      "definition app/cart.py:5",
      "type app/cart.py:4",
      "callee app/pricing.py:1",
      "callee app/pricing.py:5",
    ],
  );
});

test("a method's class is brought in as its type, and editor locations join the path", async () => {
  const { retrieval } = await ctx;
  const path = gatherCallPath(retrieval, { name: "Cart.checkout" }, [
    { file: "app/pricing.py", line: 9, role: "implementation" },
  ]);
  assert.ok(
    path.some((p) => p.role === "type" && p.file === "app/cart.py" && p.line === 4),
    JSON.stringify(path),
  );
  assert.ok(path.some((p) => p.role === "implementation" && p.file === "app/pricing.py" && p.line === 9));
});

test("a focused context follows the call path and cites all three files", async () => {
  const { engine, retrieval } = await ctx;
  const focus = gatherCallPath(retrieval, { name: "checkout", file: "app/cart.py", line: 10 });
  const pack = engine.build("Explain how checkout works across files.", { budget: 1200, focus });
  assert.deepEqual(
    [...new Set(pack.spans.map((s) => s.file))],
    ["app/main.py", "app/cart.py", "app/pricing.py"],
    "file groups in call-path order",
  );
  const outline = pack.text.slice(pack.text.indexOf("# Outline"), pack.text.indexOf("# Code"));
  const at = (name: string) => outline.indexOf(name);
  assert.ok(
    at("main.py") < at("cart.py") && at("cart.py") < at("pricing.py"),
    `outline follows the call path:\n${outline}`,
  );
  const definition = pack.spans.find((s) => s.symbol === "checkout")!;
  assert.ok(definition.reasons.some((r) => r.kind === "explain" && r.role === "definition"));
  assert.ok(!pack.spans.some((s) => s.symbol === "unrelated" && s.detail === "full"));
});

test("the inspector's sections add up to the total, and every span and message is there", async () => {
  const { engine, retrieval } = await ctx;
  const pack = engine.build("how is tax applied?", { budget: 800 });
  const counter = engine.counter();
  const prompt = buildPrompt(
    pack.question,
    pack,
    [{ question: "earlier?", answer: "Yes [S1].", citations: [] }],
    200,
    counter,
  );
  const model = inspectorModel(pack, prompt, {
    dryRun: true,
    linesOf: (f) => retrieval.lines.get(f),
    count: (t) => counter.count(t),
  });
  assert.deepEqual(
    model.sections.map((s) => s.name),
    ["system", "earlier turns", "context", "question"],
  );
  assert.equal(
    model.sections.reduce((a, s) => a + s.tokens, 0),
    model.totalTokens,
  );
  assert.ok(model.sections.find((s) => s.name === "earlier turns")!.tokens > 0);
  assert.equal(model.messages.length, 4);
  assert.equal(model.messages.at(-1)!.content, prompt.messages.at(-1)!.content, "messages exactly as sent");
  assert.equal(model.spans.length, pack.spans.length);
  for (const s of model.spans) {
    const shown = s.ranges.reduce((a, [x, y]) => a + y - x + 1, 0);
    assert.equal(s.lines.length, shown, `${s.id}: a heat value per shown line`);
    assert.ok(s.lines.every((l) => l.score >= 0 && l.score <= 1));
  }
  const taxLine = model.spans.flatMap((s) => s.lines).find((l) => l.text.includes("def apply_tax"));
  assert.ok(taxLine && taxLine.score > 0, "the line naming the question's words is warm");
  assert.equal(model.compression.after, pack.tokens);
  const md = toMarkdown(model);
  assert.match(md, /^# Threadline context: how is tax applied\?/);
  assert.match(md, /\| context \| \d+ \|/);
});
