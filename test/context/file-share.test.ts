import assert from "node:assert/strict";
import { after, test } from "node:test";
import { engineFor } from "../helpers/context";

/**
 * One file whose long methods all speak of the question's words, and another that answers it in
 * a few lines. Without a cap on one file's share, the first file's methods fill every full span's
 * room and the second is named by a signature at best.
 */
const step = (name: string, i: number) =>
  `        self.greedy_${name}_${i} = self.terminator_match(segments, ${i})  # greedy match halts at terminators`;
const method = (name: string) => `
    def match_${name}(self, segments, terminators):
        """Greedy match of ${name} segments until a terminator halts it."""
${Array.from({ length: 22 }, (_, i) => step(name, i)).join("\n")}
        return self.greedy_${name}_0
`;
const GRAMMAR = `
//- grammar/sequence.py
class Sequence:
    """A sequence of grammar elements, matched greedily until a terminator."""
${["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"].map(method).join("")}
//- grammar/anything.py
class Anything:
    """Matches any content."""

    def halting(self, segments):
        """The segments that halt: closing brackets."""
        return [s for s in segments if s.is_closing]
`;

const ctx = engineFor(GRAMMAR);
after(async () => (await ctx).cleanup());

test("one file's full spans stop at half the budget, so the next file's answer is shown whole", async () => {
  const { engine } = await ctx;
  const budget = 3000;
  const pack = engine.build("Which segments halt a greedy match of terminators?", { budget });
  // The other file's method, whole: its body line is there.
  assert.match(pack.text, /^\s*\d+ \|\s+return \[s for s in segments if s\.is_closing\]$/m, pack.text);
  const full = pack.spans.filter((s) => s.file === "grammar/sequence.py" && s.detail !== "signatures");
  const fullTokens = full.filter((s) => s.detail === "full" || s.detail === "pruned").map((s) => s.tokens);
  assert.ok(fullTokens.length >= 2, pack.text);
  // Under half the budget, but for the one unit that crossed it.
  const total = fullTokens.reduce((a, b) => a + b, 0);
  assert.ok(total - Math.max(...fullTokens) < budget / 2, `${total} tokens of sequence.py shown in full`);
});

test("a file the question names something in is not capped: the question is about it", async () => {
  const { engine } = await ctx;
  const budget = 3000;
  const pack = engine.build("Which segments halt a greedy match in `Sequence.match_theta` and its neighbours?", {
    budget,
  });
  const fullTokens = pack.spans
    .filter((s) => s.file === "grammar/sequence.py" && (s.detail === "full" || s.detail === "pruned"))
    .map((s) => s.tokens);
  const total = fullTokens.reduce((a, b) => a + b, 0);
  assert.ok(total >= budget / 2, `${total} tokens of sequence.py shown in full\n${pack.text}`);
  // …and past the unit that crossed half the budget: capped, the file stops at four spans here
  // (1,812 tokens); the other file's short method is then shown from the short definitions' room.
  assert.ok(fullTokens.length >= 5, `${fullTokens.length} spans of sequence.py shown in full\n${pack.text}`);
});
