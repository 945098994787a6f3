import assert from "node:assert/strict";
import { test } from "node:test";
import { citationsOf, parseCitations } from "../../src/core/citations";
import type { ContextSpan } from "../../src/core/context/types";

const span = (id: string, file: string, ranges: [number, number][]): ContextSpan => ({
  id,
  file,
  ranges,
  detail: "full",
  score: 1,
  reasons: [],
  tokens: 10,
  lineScores: [],
});

const pack = {
  spans: [
    span("S1", "requests/models.py", [[120, 164]]),
    span("S2", "requests/sessions.py", [
      [40, 42],
      [50, 51],
    ]),
    span("S3", "tests/models.py", [[1, 30]]),
  ],
};

const check = (answer: string) =>
  citationsOf(answer, pack).map(
    (c) =>
      `${c.text} → ${c.valid ? "ok" : "INVALID"} ${c.file ?? "-"}:${c.start ?? "?"}-${c.end ?? "?"} ${c.id ?? "-"} (${c.reason})`,
  );

test("span ids, with and without line ranges, alone and grouped", () => {
  assert.deepEqual(check("Hooks are registered in `register_hook` [S1:130-141], see also [S1] and [S1:150, S2:41]."), [
    "[S1:130-141] → ok requests/models.py:130-141 S1 (span and lines match the context)",
    "[S1] → ok requests/models.py:120-164 S1 (span was in the context)",
    "S1:150 → ok requests/models.py:150-150 S1 (span and lines match the context)",
    "S2:41 → ok requests/sessions.py:41-41 S2 (span and lines match the context)",
  ]);
});

test("wrong line ranges, elided gaps and unknown spans are invalid, with the reason", () => {
  assert.deepEqual(check("It happens at [S1:100-125] and [S2:43-49] and [S9]."), [
    "[S1:100-125] → INVALID requests/models.py:100-125 S1 (lines 100-125 were not sent in S1 (120-164))",
    "[S2:43-49] → INVALID requests/sessions.py:43-49 S2 (lines 43-49 were not sent in S2 (40-42, 50-51))",
    "[S9] → INVALID -:?-? S9 (S9 was not in the context)",
  ]);
});

test("file paths in every common form resolve to the span that holds the lines", () => {
  assert.deepEqual(
    check(
      "See requests/models.py:130, requests/models.py:130-141, requests/models.py#L150-L160, " +
        "[the hook code](requests/models.py#L121-L122) and requests/sessions.py (lines 50-51).",
    ),
    [
      "requests/models.py:130 → ok requests/models.py:130-130 S1 (lines were sent in S1)",
      "requests/models.py:130-141 → ok requests/models.py:130-141 S1 (lines were sent in S1)",
      "requests/models.py#L150-L160 → ok requests/models.py:150-160 S1 (lines were sent in S1)",
      "[the hook code](requests/models.py#L121-L122) → ok requests/models.py:121-122 S1 (lines were sent in S1)",
      "requests/sessions.py (lines 50-51) → ok requests/sessions.py:50-51 S2 (lines were sent in S2)",
    ],
  );
});

test("a basename shared by two files is never resolved; unsent files and lines are invalid", () => {
  assert.deepEqual(check("Look at models.py:130 and requests/adapters.py:10 and requests/models.py:200."), [
    'models.py:130 → INVALID models.py:130-130 - ("models.py" is not a full workspace path (it could be requests/models.py or tests/models.py))',
    "requests/adapters.py:10 → INVALID requests/adapters.py:10-10 - (requests/adapters.py was not in the context)",
    "requests/models.py:200 → INVALID requests/models.py:200-200 - (lines 200-200 of requests/models.py were not in the context)",
  ]);
});

test("a file citation may run across adjacent spans that were both sent", () => {
  const split = { spans: [span("S1", "app/pricing.py", [[1, 4]]), span("S2", "app/pricing.py", [[5, 6]])] };
  const [c] = citationsOf("Pricing and tax (app/pricing.py:1-6).", split);
  assert.equal(c!.valid, true, c!.reason);
  assert.equal(c!.reason, "lines were sent in S1, S2");
  const [gap] = citationsOf("app/pricing.py:1-7", split);
  assert.equal(gap!.valid, false);
});

test("offsets point at the citation text in the answer", () => {
  const answer = "Start [S1:130] then requests/models.py:140 end [S1, S2]";
  for (const c of parseCitations(answer)) assert.equal(answer.slice(c.offset, c.offset + c.length), c.text);
  assert.equal(parseCitations("no citations here, S1 alone or file.py without a line").length, 0);
});
