import assert from "node:assert/strict";
import { after, test } from "node:test";
import { engineFor } from "../helpers/context";

/**
 * The report reaches `settle_invoice` in billing/core.py. A fix there that needs another
 * name adds an import, so the file's module-level import statements come with it, whole (the
 * parenthesised list too), in a span that says what it is. The function's own local import is
 * shown with the function, not again. The test file matches the question as well, but its imports
 * are not shown: nobody fixes an issue by editing a test's imports.
 */
const padding = Array.from({ length: 30 }, (_, i) => `TAX_RATE_${i} = ${i}`).join("\n");
const BILLING = `
//- billing/core.py
"""Part of the billing service."""
import decimal
from billing.ledger import (
    post_entry,
    reverse_entry,
)

${padding}


def settle_invoice(invoice, payment):
    """Settle an invoice with a payment: post the payment, close the invoice when it is paid."""
    import logging
    post_entry(invoice.account, payment)
    invoice.paid += decimal.Decimal(payment)
    return invoice.paid >= invoice.total
//- billing/ledger.py
def post_entry(account, amount):
    return account.append(amount)


def reverse_entry(account, amount):
    return account.append(-amount)
//- tests/test_invoices.py
import pytest
from billing.core import settle_invoice


def test_settle_invoice_with_payment():
    assert settle_invoice is not None
`;

/** The same file, but the function shares no word with the module code: nothing else shows it. */
const STANDALONE = BILLING.replace("invoice.paid += decimal.Decimal(payment)", "invoice.paid += payment");

const ctx = engineFor(STANDALONE);
const merged = engineFor(BILLING);
after(async () => {
  (await ctx).cleanup();
  (await merged).cleanup();
});

/** A report, as an issue is pasted in: its answer is an edit. */
const QUESTION = `An invoice settled with a payment stays open.

settle_invoice(invoice, 10) returns False for an invoice of 10.
Expected the invoice to be paid.`;

test("the best file's import statements are shown whole, labelled, with a reason that names what is shown", async () => {
  const { engine } = await ctx;
  const pack = engine.build(QUESTION, { budget: 3000 });
  assert.match(pack.text, /^ *\d+ \| def settle_invoice\(invoice, payment\):$/m, pack.text);
  const imports = pack.spans.find((s) => s.reasons.some((r) => r.kind === "imports"));
  assert.ok(imports, pack.text);
  assert.equal(imports.file, "billing/core.py");
  assert.deepEqual(imports.ranges, [[2, 6]]);
  assert.deepEqual(imports.reasons, [{ kind: "imports", of: "settle_invoice" }]);
  assert.match(pack.text, new RegExp(`\\[${imports.id}\\] module code \\(its import statements\\)\\n`), pack.text);
  // The constants after the imports are left out.
  assert.doesNotMatch(pack.text, /TAX_RATE_0 = 0/, pack.text);
  // The test file's imports are not: no span there is shown for them.
  assert.ok(!pack.spans.some((s) => s.file.startsWith("tests/") && s.reasons.some((r) => r.kind === "imports")));
});

test("module code already pruned to other lines keeps them and adds its import statements", async () => {
  const { engine } = await merged;
  // A change asked for in one line reads as one too.
  const pack = engine.build("Fix: an invoice settled with a payment stays open.", { budget: 3000 });
  const block = pack.spans.find((s) => s.file === "billing/core.py" && s.symbol === undefined);
  assert.ok(block, pack.text);
  // Its own best line (1, found through the borrowed word "decimal") and the statements, in one range.
  assert.deepEqual(block.ranges, [[1, 6]]);
  assert.deepEqual(block.reasons.at(-1), { kind: "imports", of: "settle_invoice" });
  assert.equal(pack.spans.filter((s) => s.file === "billing/core.py" && s.symbol === undefined).length, 1);
  assert.doesNotMatch(pack.text, /TAX_RATE_0 = 0/, pack.text);
});

test("a question about how the code works, not a change, gets no imports", async () => {
  const { engine } = await ctx;
  const pack = engine.build("How is an invoice settled with a payment?", { budget: 3000 });
  assert.match(pack.text, /^ *\d+ \| def settle_invoice\(invoice, payment\):$/m, pack.text);
  assert.ok(!pack.spans.some((s) => s.reasons.some((r) => r.kind === "imports")), pack.text);
});
