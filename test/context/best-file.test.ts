import assert from "node:assert/strict";
import { after, test } from "node:test";
import { describeReason } from "../../src/core/chat/inspector-model";
import { engineFor } from "../helpers/context";

/**
 * A question about one module whose answer names definitions that the question's words do not
 * reach: "how does a shelf restock" is answered in stock.py, where `Crate`, `reorder_point` and
 * `Shelf.audit` explain the rest of the module, though nothing in the question points at them.
 * `Crate.__init__` has three body lines: with two it would be named whole (`bareRanges`), which at
 * this budget costs more than the best file's room.
 */
const body = (name: string) =>
  Array.from({ length: 14 }, (_, i) => `        ${name}_step_${i} = self.shelf_load(${i}) * ${i + 2}`).join("\n");
const WAREHOUSE = `
//- inventory/stock.py
class Shelf:
    """Where the stock of one item is kept until it is picked."""

    def restock(self, item, amount):
        """Restock the shelf with an item when its stock runs low."""
${body("restock")}
        return self.stock

    def restock_from_back_room(self, item):
        """Restock from the back room before ordering more."""
${body("back")}
        return self.stock

    def audit(self):
${body("audit")}
        return True

    def shelf_load(self, n):
        return n


class Crate:
    def __init__(self, size):
        self.size = size
        self.items = []
        self.sealed = False


def reorder_point(history):
    return max(history) // 2
//- inventory/reports/restock_0.py
def restock_report_0(item, stock):
    """Report on restocking an item when its stock runs low (report 0)."""
    return [item, stock, 0]
//- inventory/reports/restock_1.py
def restock_report_1(item, stock):
    """Report on restocking an item when its stock runs low (report 1)."""
    return [item, stock, 1]
//- inventory/reports/restock_2.py
def restock_report_2(item, stock):
    """Report on restocking an item when its stock runs low (report 2)."""
    return [item, stock, 2]
//- inventory/reports/restock_3.py
def restock_report_3(item, stock):
    """Report on restocking an item when its stock runs low (report 3)."""
    return [item, stock, 3]
//- inventory/reports/restock_4.py
def restock_report_4(item, stock):
    """Report on restocking an item when its stock runs low (report 4)."""
    return [item, stock, 4]
//- inventory/reports/restock_5.py
def restock_report_5(item, stock):
    """Report on restocking an item when its stock runs low (report 5)."""
    return [item, stock, 5]
//- inventory/reports/restock_6.py
def restock_report_6(item, stock):
    """Report on restocking an item when its stock runs low (report 6)."""
    return [item, stock, 6]
//- inventory/reports/restock_7.py
def restock_report_7(item, stock):
    """Report on restocking an item when its stock runs low (report 7)."""
    return [item, stock, 7]
//- inventory/reports/restock_8.py
def restock_report_8(item, stock):
    """Report on restocking an item when its stock runs low (report 8)."""
    return [item, stock, 8]
//- inventory/reports/restock_9.py
def restock_report_9(item, stock):
    """Report on restocking an item when its stock runs low (report 9)."""
    return [item, stock, 9]
//- inventory/reports/restock_10.py
def restock_report_10(item, stock):
    """Report on restocking an item when its stock runs low (report 10)."""
    return [item, stock, 10]
//- inventory/reports/restock_11.py
def restock_report_11(item, stock):
    """Report on restocking an item when its stock runs low (report 11)."""
    return [item, stock, 11]
//- inventory/reports/restock_12.py
def restock_report_12(item, stock):
    """Report on restocking an item when its stock runs low (report 12)."""
    return [item, stock, 12]
//- inventory/reports/restock_13.py
def restock_report_13(item, stock):
    """Report on restocking an item when its stock runs low (report 13)."""
    return [item, stock, 13]
//- inventory/reports/restock_14.py
def restock_report_14(item, stock):
    """Report on restocking an item when its stock runs low (report 14)."""
    return [item, stock, 14]
//- inventory/reports/restock_15.py
def restock_report_15(item, stock):
    """Report on restocking an item when its stock runs low (report 15)."""
    return [item, stock, 15]
//- inventory/reports/restock_16.py
def restock_report_16(item, stock):
    """Report on restocking an item when its stock runs low (report 16)."""
    return [item, stock, 16]
//- inventory/reports/restock_17.py
def restock_report_17(item, stock):
    """Report on restocking an item when its stock runs low (report 17)."""
    return [item, stock, 17]
//- inventory/reports/restock_18.py
def restock_report_18(item, stock):
    """Report on restocking an item when its stock runs low (report 18)."""
    return [item, stock, 18]
//- inventory/reports/restock_19.py
def restock_report_19(item, stock):
    """Report on restocking an item when its stock runs low (report 19)."""
    return [item, stock, 19]
//- inventory/reports/restock_20.py
def restock_report_20(item, stock):
    """Report on restocking an item when its stock runs low (report 20)."""
    return [item, stock, 20]
//- inventory/reports/restock_21.py
def restock_report_21(item, stock):
    """Report on restocking an item when its stock runs low (report 21)."""
    return [item, stock, 21]
//- inventory/reports/restock_22.py
def restock_report_22(item, stock):
    """Report on restocking an item when its stock runs low (report 22)."""
    return [item, stock, 22]
//- inventory/reports/restock_23.py
def restock_report_23(item, stock):
    """Report on restocking an item when its stock runs low (report 23)."""
    return [item, stock, 23]
//- inventory/reports/restock_24.py
def restock_report_24(item, stock):
    """Report on restocking an item when its stock runs low (report 24)."""
    return [item, stock, 24]
//- inventory/reports/restock_25.py
def restock_report_25(item, stock):
    """Report on restocking an item when its stock runs low (report 25)."""
    return [item, stock, 25]
//- inventory/reports/restock_26.py
def restock_report_26(item, stock):
    """Report on restocking an item when its stock runs low (report 26)."""
    return [item, stock, 26]
//- inventory/reports/restock_27.py
def restock_report_27(item, stock):
    """Report on restocking an item when its stock runs low (report 27)."""
    return [item, stock, 27]
//- inventory/reports/restock_28.py
def restock_report_28(item, stock):
    """Report on restocking an item when its stock runs low (report 28)."""
    return [item, stock, 28]
//- inventory/reports/restock_29.py
def restock_report_29(item, stock):
    """Report on restocking an item when its stock runs low (report 29)."""
    return [item, stock, 29]
`;

const ctx = engineFor(WAREHOUSE);
after(async () => (await ctx).cleanup());

test("the best-ranked file names its other definitions by their signatures, with a reason that says so", async () => {
  const { engine } = await ctx;
  const pack = engine.build("How does a shelf restock an item when the stock runs low?", { budget: 1500 });
  const named = pack.spans.filter((s) => s.reasons.some((r) => r.kind === "bestFile"));
  assert.ok(named.length > 0, pack.text);
  // The best file (place 1) is stock.py; a report file is the second-best.
  const best = named.filter((s) => s.reasons.some((r) => r.kind === "bestFile" && r.place === 1));
  assert.ok(best.length > 0, pack.text);
  for (const s of best) {
    assert.equal(s.file, "inventory/stock.py");
    assert.ok(s.reasons.every((r) => r.kind !== "bestFile" || r.file === "inventory/stock.py"));
  }
  // The module's other class and function, which nothing in the question reaches.
  assert.match(pack.text, /^\s*\d+ \| class Crate:$/m, pack.text);
  assert.match(pack.text, /^\s*\d+ \| def reorder_point\(history\):$/m, pack.text);
});

test("an explained call path keeps its room: no best file is named", async () => {
  const { engine } = await ctx;
  const pack = engine.build("restock", {
    budget: 700,
    focus: [{ file: "inventory/stock.py", line: 5, role: "definition" }],
  });
  assert.ok(!pack.spans.some((s) => s.reasons.some((r) => r.kind === "bestFile")), pack.text);
});

/**
 * Three modules answer "how is an order placed and shipped", the third least. Each has a
 * definition that nothing in the question reaches and nothing calls: only the best two files
 * name theirs. The files have one-letter names because a file's path words are in each of its
 * units, and feedback would borrow a distinctive one and reach those definitions anyway.
 */
const ORDERS = `
//- orders/a.py
class Order:
    """An order placed by a customer and shipped to them."""

    def place_order(self, customer):
        """Place the order for a customer: the order is placed, then shipped."""
        self.customer = customer
        return self


class Invoice:
    def __init__(self, total):
        self.total = total


def vendor_code(name):
    return name.upper()
//- orders/b.py
def ship_order(order):
    """Ship an order once it is placed."""
    return order


def carrier_for(region):
    return "post" if region == "eu" else "courier"
//- orders/c.py
def return_order(order):
    """Take back an order."""
    return order


def restocking_fee(total):
    return total // 10
${Array.from(
  { length: 30 },
  (_, i) => `//- orders/reports/report_${i}.py
def order_report_${i}(order):
    """Report on an order (report ${i})."""
    return [order, ${i}]
`,
).join("")}`;

const orders = engineFor(ORDERS);
after(async () => (await orders).cleanup());

test("the second-best file names its other definitions too, and the third does not", async () => {
  const { engine } = await orders;
  const pack = engine.build("How is an order placed and shipped?", { budget: 4000 });
  const places = new Map<string, number>();
  for (const s of pack.spans) for (const r of s.reasons) if (r.kind === "bestFile") places.set(r.file, r.place);
  assert.deepEqual(
    [...places.entries()].sort(),
    [
      ["orders/a.py", 1],
      ["orders/b.py", 2],
    ],
    pack.text,
  );
  // Unreached and uncalled: named only because their files are the best two.
  assert.match(pack.text, /^\s*\d+ \| def vendor_code\(name\):$/m, pack.text);
  assert.match(pack.text, /^\s*\d+ \| def carrier_for\(region\):$/m, pack.text);
  assert.doesNotMatch(pack.text, /^\s*\d+ \| def restocking_fee/m, pack.text);
  // The inspector says which of the two files named it.
  const reasonOf = (file: string) =>
    pack.spans.flatMap((s) => s.reasons).find((r) => r.kind === "bestFile" && r.file === file)!;
  assert.equal(describeReason(reasonOf("orders/a.py")), "a definition of orders/a.py, the best-ranked file");
  assert.equal(describeReason(reasonOf("orders/b.py")), "a definition of orders/b.py, the second-best-ranked file");
});
