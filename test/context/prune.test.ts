import assert from "node:assert/strict";
import { test } from "node:test";
import { prunedRanges } from "../../src/core/context/prune";
import type { Unit } from "../../src/core/context/types";

const code = `def settle(account, amount):
    """Settle an account."""
    total = 0
    for entry in account.entries:
        if entry.kind == "refund":
            total -= entry.amount
        else:
            total += entry.amount
    log(total)
    audit(account)
    notify(account)
    return total - amount`.split("\n");
const unit: Unit = {
  file: "a.py",
  start: 1,
  end: 12,
  name: "settle",
  kind: "function",
  signatureEnd: 1,
  doc: { start: 2, end: 2 },
};

test("keeps the signature, the docstring's first line, the best lines and the blocks around them", () => {
  const scores: Record<number, number> = { 6: 5, 12: 1, 9: 0.5 };
  const ranges = prunedRanges(unit, code, (n) => scores[n] ?? 0, 1);
  // Line 6 sits in `if` (5) inside `for` (4); the signature and docstring always stay; line 3 is a
  // one-line gap (its marker would cost as much), so it is shown too. Lines 7-12 are pruned.
  assert.deepEqual(ranges, [[1, 6]]);
});

test("keeps more lines as the share grows, fills one-line gaps, and never keeps zero-score lines", () => {
  const scores: Record<number, number> = { 6: 5, 12: 1, 10: 0.5 };
  assert.deepEqual(
    prunedRanges(unit, code, (n) => scores[n] ?? 0, 3),
    [
      [1, 6],
      [10, 12],
    ],
  );
  assert.deepEqual(
    prunedRanges(unit, code, (n) => scores[n] ?? 0, 2),
    [
      [1, 6],
      [12, 12],
    ],
  );
  assert.deepEqual(
    prunedRanges(unit, code, (n) => (n === 9 || n === 11 ? 1 : 0), 10),
    [
      [1, 2],
      [9, 11],
    ],
  );
  assert.deepEqual(
    prunedRanges(unit, code, () => 0, 10),
    [[1, 2]],
  );
});
