import assert from "node:assert/strict";
import { after, test } from "node:test";
import {
  bareRanges,
  renderSignatures,
  renderSpan,
  shownRanges,
  signatureRange,
  signatureText,
} from "../../src/core/context/render";
import { unitsOf } from "../../src/core/context/units";
import { SHOP, engineFor } from "../helpers/context";

const ctx = engineFor(SHOP);
after(async () => (await ctx).cleanup());

test("a file is cut into units: functions whole, class headers, module blocks", async () => {
  const { index, retrieval } = await ctx;
  const units = unitsOf(index.get("shop/orders.py")!).map(
    (u) => `${u.name} ${u.kind} ${u.start}-${u.end} sig:${u.signatureEnd}`,
  );
  assert.deepEqual(units, [
    "Order class 1-3 sig:1",
    "Order.__init__ method 4-7 sig:4",
    "<module> block 8-9 sig:8",
    "load_order function 10-11 sig:10",
  ]);
  // A blank run joins the unit before it (the gap after a function is where code gets inserted).
  const refunds = retrieval.unitsByFile
    .get("shop/refunds.py")!
    .map((i) => retrieval.units[i]!)
    .map((u) => `${u.name} ${u.start}-${u.end}`);
  assert.deepEqual(refunds, ["<module> 1-4", "compute_refund 5-11", "restocking_fee 12-15"]);
});

test("full spans number every line with its real line number; a blank line ends at the bar", async () => {
  const { retrieval } = await ctx;
  const unit = retrieval.units.find((u) => u.name === "compute_refund")!;
  const text = renderSpan("S3", unit, "full", retrieval.lines.get(unit.file)!);
  assert.equal(
    text,
    "[S3] compute_refund\n" +
      " 5 | def compute_refund(order_id, reason):\n" +
      ' 6 |     """Refund the order total minus the restocking fee."""\n' +
      " 7 |     order = load_order(order_id)\n" +
      " 8 |     fee = restocking_fee(order)\n" +
      " 9 |     return round_cents(order.total - fee)\n" +
      "10 |\n" +
      "11 |\n",
  );
  assert.deepEqual(shownRanges(unit, "full"), [[5, 11]]);
});

test("elided spans keep signature and docstring and mark the rest with its line range", async () => {
  const { retrieval } = await ctx;
  const unit = retrieval.units.find((u) => u.name === "compute_refund")!;
  const text = renderSpan("S1", unit, "elided", retrieval.lines.get(unit.file)!);
  assert.equal(
    text,
    "[S1] compute_refund (body elided)\n" +
      " 5 | def compute_refund(order_id, reason):\n" +
      ' 6 |     """Refund the order total minus the restocking fee."""\n' +
      " ⋮ | (lines 7-11 elided)\n",
  );
  assert.deepEqual(shownRanges(unit, "elided"), [[5, 6]]);
});

test("a bare signature runs through the line that names the definition, however many decorators come first, and stops there", () => {
  const lines = [
    "@a",
    "@b",
    "@c",
    "@d",
    "def settle(",
    "    ledger,",
    "    day,",
    "):",
    "    return ledger",
    "def close(book):",
    "    return book",
  ];
  const settle = { file: "x.py", start: 1, end: 9, name: "Book.settle", kind: "method" as const, signatureEnd: 8 };
  const close = { file: "x.py", start: 10, end: 11, name: "close", kind: "function" as const, signatureEnd: 10 };
  assert.deepEqual(signatureRange(settle, lines), [1, 5]);
  assert.deepEqual(signatureRange({ ...settle, start: 4 }, lines), [4, 5], "no parameter lines after the name");
  assert.deepEqual(signatureRange(close, lines), [10, 10]);
  const setter = ["@settle.setter", "def settle(self, value):", "    self._settle = value"];
  assert.deepEqual(
    signatureRange({ ...settle, start: 1, end: 3, signatureEnd: 2 }, setter),
    [1, 2],
    "a decorator that holds the name is not the name line",
  );
  const routed = ["@app.route(", '    "/settle",', '    methods=["POST"],', ")", "def settle():", "    return 1"];
  assert.deepEqual(
    signatureRange({ ...settle, start: 1, end: 6, signatureEnd: 5 }, routed),
    [1, 5],
    "a decorator's arguments over several lines are not the name line, even where they hold the name",
  );
  const cases = ["@pytest.mark.parametrize(", '    "a, b",', "    [(1, 2), (3, 4)],", ")", "def test_sum(a, b):"];
  assert.equal(
    signatureText({ start: 1, signatureEnd: 5, name: "test_sum" }, cases),
    "def test_sum(a, b):",
    "the outline names the function, not a line of its decorator's arguments",
  );
  assert.equal(
    renderSignatures("S4", [{ unit: settle }, { unit: close }], lines),
    "[S4] signatures of 2 more definitions\n" +
      " 1 | @a\n 2 | @b\n 3 | @c\n 4 | @d\n 5 | def settle(\n10 | def close(book):\n",
  );
  // A one-line body is named whole; a longer one (settle's parameters and body) by its signature.
  assert.deepEqual(bareRanges(close, lines), [[10, 11]]);
  assert.deepEqual(bareRanges(settle, lines), [[1, 5]]);
  assert.deepEqual(
    bareRanges({ ...close, end: 13 }, [...lines, "", ""]),
    [[10, 11]],
    "trailing blank lines are neither shown nor counted",
  );
  assert.equal(
    renderSignatures(
      "S4",
      [settle, close].map((unit) => ({ unit, ranges: bareRanges(unit, lines) })),
      lines,
    ),
    "[S4] signatures of 2 more definitions (the shortest whole)\n" +
      " 1 | @a\n 2 | @b\n 3 | @c\n 4 | @d\n 5 | def settle(\n10 | def close(book):\n11 |     return book\n",
  );
  assert.equal(
    renderSignatures("S5", [{ unit: close, ranges: bareRanges(close, lines) }], lines),
    "[S5] close\n10 | def close(book):\n11 |     return book\n",
    "a run of one that is whole is not called a signature",
  );
  // A long stack of decorators (a parametrize table) is cut to its first line; four are kept.
  const table = [
    "@pytest.mark.parametrize(",
    '    "a, b",',
    "    [",
    "        (1, 2),",
    "        (3, 4),",
    "    ],",
    ")",
    "def test_sum(a, b):",
    "    total = a + b",
    "    assert total > a",
    "    assert total > b",
  ];
  const test = { ...settle, name: "test_sum", start: 1, end: 11, signatureEnd: 8 };
  assert.deepEqual(bareRanges(test, table), [
    [1, 1],
    [8, 8],
  ]);
  assert.deepEqual(bareRanges({ ...test, start: 4 }, table), [[4, 8]], "four lines of decorators are kept");
  assert.equal(
    renderSignatures("S6", [{ unit: test, ranges: bareRanges(test, table) }], table),
    "[S6] test_sum (signature only)\n 1 | @pytest.mark.parametrize(\n 8 | def test_sum(a, b):\n",
    "the cut decorators are left out without a marker, as between signatures",
  );
});
