import assert from "node:assert/strict";
import { after, test } from "node:test";
import { engineFor } from "../helpers/context";

/**
 * A question reaches a method, `Ledger.reverse_charge`, but nothing in it reaches its class: the
 * class's header and docstring speak of books and postings. The method shown alone would read out
 * of place, so its class is named by its signature, ahead of the other bare signatures. Two
 * other files match better, so ledger.py is not among the best two files, which name all their
 * definitions anyway.
 */
const filler = (name: string) =>
  Array.from({ length: 16 }, (_, i) => `        ${name}_${i} = self.total * ${i + 2}`).join("\n");
const reports = Array.from(
  { length: 24 },
  (_, i) => `//- books/reports/summary_${i}.py
def summary_${i}(entries):
    """Summary ${i} of the charges reversed to a card, payment by payment."""
    return [entries, ${i}]
`,
).join("");
const BOOKS = `
//- books/ledger.py
import decimal


class Ledger:
    """Keeps the books: postings, balances and the month's closing."""

    def __init__(self, currency):
        self.currency = currency
        self.total = decimal.Decimal(0)

    def post(self, entry):
${filler("post")}
        return entry

    def reverse_charge(self, payment, card):
        """Reverse a charge: the payment goes back to the card it came from."""
${filler("reverse")}
        return card.credit(payment)
//- books/cards.py
def reverse_charge_to_card(payment, card):
    """Reverse a charge so that the payment goes back to the card."""
    return card.refund(payment)


def card_payment_charge(card, payment):
    """Charge a card for a payment, unless the charge was reversed."""
    return card.debit(payment)


def reverse_card_charge_fee(card, payment):
    """The fee for a reversed card charge of a payment."""
    return payment.amount * 0.01
//- books/refunds.py
def refund_charge_to_card(payment, card):
    """Reverse a charge so that the payment goes back to the card: a refund."""
    return card.refund(payment)
${reports}`;

const ctx = engineFor(BOOKS);
after(async () => (await ctx).cleanup());

test("a method shown without its class brings the class's signature, with a reason that names the method", async () => {
  const { engine } = await ctx;
  const pack = engine.build("How is a charge reversed so that the payment goes back to the card?", { budget: 700 });
  assert.match(pack.text, /^\s*\d+ \|\s+def reverse_charge\(self, payment, card\):$/m, pack.text);
  assert.match(pack.text, /^\s*\d+ \| class Ledger:$/m, pack.text);
  const owner = pack.spans.find((s) => s.reasons.some((r) => r.kind === "owner"));
  assert.ok(owner, pack.text);
  assert.equal(owner.file, "books/ledger.py");
  assert.deepEqual(
    owner.reasons.find((r) => r.kind === "owner"),
    { kind: "owner", method: "Ledger.reverse_charge" },
  );
});
