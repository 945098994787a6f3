import assert from "node:assert/strict";
import { after, test } from "node:test";
import { rankUnits } from "../../src/core/context/rank";
import { engineFor, reportRenderers } from "../helpers/context";

/**
 * A report package: six long section renderers, one per file (so no file's share stops them), that
 * speak of report totals on every line, and a short method that formats the totals, ranked after
 * them. The renderers fill the room for full spans, the last of them pruned into what is left, so
 * without the short definitions' own room the method gets only its signature or docstring (at
 * 2,750-4,000 tokens, every budget this was tried at).
 */
const REPORT = `
${reportRenderers()}
//- report/formatting.py
class Formatter:
    """Turns numbers into text."""

    def as_text(self, values):
        """Comma separated, for the report."""
        parts = []
        for value in values:
            if value is None:
                parts.append("-")
            elif isinstance(value, float):
                parts.append(f"{value:.2f}")
            else:
                parts.append(str(value))
        return ", ".join(parts)
`;

const ctx = engineFor(REPORT);
after(async () => (await ctx).cleanup());

test("a short definition ranked after what filled the room for full spans is still shown whole", async () => {
  const { engine, retrieval } = await ctx;
  const budget = 3200;
  const question = "How are the report totals of each section rendered?";
  const ranked = rankUnits(retrieval, question).map((r) => retrieval.units[r.unit]!.name);
  const at = ranked.indexOf("Formatter.as_text");
  // The case this is about: the short method is ranked, but after several long renderers.
  assert.ok(at >= 3, ranked.slice(0, 10).join(", "));
  const pack = engine.build(question, { budget });
  const renderers = pack.spans.filter((s) => s.symbol?.startsWith("render_section_") && s.detail === "full");
  assert.ok(renderers.length >= 3, pack.text);
  const method = pack.spans.find((s) => s.symbol === "Formatter.as_text");
  assert.equal(method?.detail, "full", pack.text);
  assert.match(pack.text, /^\s*\d+ \|\s+return ", "\.join\(parts\)$/m, pack.text);
  assert.ok(pack.tokens <= budget);
});
