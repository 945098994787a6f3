import assert from "node:assert/strict";
import { after, test } from "node:test";
import { rankUnits } from "../../src/core/context/rank";
import { engineFor, reportRenderers } from "../helpers/context";

/**
 * The report package of short-units.test.ts, with a formatter method of 22 lines: longer than the
 * short definitions a question about how code works gets whole, short enough for one an edit is
 * asked of. Six long renderers fill the room for full spans first; each imports what it lays out.
 */
const IMPORTS = `from report.formatting import Formatter
from report.layout import (
    Column,
    Heading,
    Page,
    Row,
    Table,
)


`;
const REPORT = `
${reportRenderers(IMPORTS)}
//- report/formatting.py
class Formatter:
    """Turns numbers into text."""

    def as_text(self, values):
        """Comma separated, for the report."""
        parts = []
        for value in values:
            if value is None:
                parts.append("-")
            elif isinstance(value, bool):
                parts.append("yes" if value else "no")
            elif isinstance(value, int):
                parts.append(str(value))
            elif isinstance(value, float):
                parts.append(f"{value:.2f}")
            elif isinstance(value, str):
                parts.append(value.strip())
            elif isinstance(value, (list, tuple)):
                parts.append(self.as_text(value))
            else:
                parts.append(repr(value))
        if not parts:
            return "-"
        return ", ".join(parts)
`;

const ctx = engineFor(REPORT);
after(async () => (await ctx).cleanup());

const budget = 3200;
const shownWhole = async (question: string) => {
  const { engine } = await ctx;
  const pack = engine.build(question, { budget });
  assert.ok(pack.tokens <= budget);
  return { whole: pack.spans.find((s) => s.symbol === "Formatter.as_text")?.detail === "full", text: pack.text };
};

test("a 22-line method ranked after what filled the room is shown whole when an edit is asked for", async () => {
  const { retrieval } = await ctx;
  const about = "How are the report totals of each section rendered?";
  const edit = "The report totals of each section are rendered wrongly\nSome totals are unreadable in each section.";
  // The case this is about: the method is ranked, after several long renderers, for both questions.
  for (const q of [about, edit]) {
    const ranked = rankUnits(retrieval, q).map((r) => retrieval.units[r.unit]!.name);
    assert.ok(ranked.indexOf("Formatter.as_text") >= 3, ranked.slice(0, 10).join(", "));
  }
  const forEdit = await shownWhole(edit);
  assert.ok(forEdit.whole, forEdit.text);
  assert.match(forEdit.text, /^\s*\d+ \|\s+return ", "\.join\(parts\)$/m);
  // The imports of the best file keep their own room: the short definitions come after them
  // (chosen first, the method took the room, and no import statement was shown).
  assert.match(forEdit.text, /\(its import statements\)\n(?:.*\n)*?\s*\d+ \|\s+Table,\n\s*\d+ \| \)$/m, forEdit.text);
  // A question about how the code works keeps the room for signatures: 22 lines is not short there.
  const forAbout = await shownWhole(about);
  assert.ok(!forAbout.whole, forAbout.text);
});
