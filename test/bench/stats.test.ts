import assert from "node:assert/strict";
import { test } from "node:test";
import { median, percentile } from "../../bench/stats";

test("percentiles follow the nearest-rank rule: p95 of 20 runs is the 19th smallest, not the slowest", () => {
  const runs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20, 19, …, 1, unsorted on purpose
  assert.equal(percentile(runs, 0.95), 19);
  assert.equal(percentile(runs, 1), 20);
  assert.equal(percentile(runs, 0), 1);
  assert.equal(median(runs), 10);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(percentile([], 0.5), 0);
});
