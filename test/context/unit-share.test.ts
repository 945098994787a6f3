import assert from "node:assert/strict";
import { after, test } from "node:test";
import { engineFor } from "../helpers/context";

/**
 * A printing module: one very long setup function that speaks of printing on every line, and the
 * short printer method a question about LaTeX fractions is answered by. Whole, the long function
 * fits the room for full spans (without the share it is shown in full) but takes most of it.
 */
const setupLine = (i: number) =>
  `    printer_${i} = configure_printer(latex_mode, fraction_style, ${i})  # printing setup`;
const PRINTING = `
//- printing/setup.py
def init_printing(latex_mode, fraction_style):
    """Set up LaTeX printing of fractions for every printer."""
${Array.from({ length: 80 }, (_, i) => setupLine(i)).join("\n")}
    return printer_0

//- printing/latex.py
class LatexPrinter:
    """Prints expressions as LaTeX."""

    def print_fraction(self, numerator, denominator):
        """LaTeX for a fraction: \\\\frac when the fraction style asks for it."""
        if self.fraction_style == "frac":
            return "\\\\frac{%s}{%s}" % (numerator, denominator)
        return "%s / %s" % (numerator, denominator)
`;

const ctx = engineFor(PRINTING);
after(async () => (await ctx).cleanup());

test("no one unit takes over a quarter of the budget: a long one is pruned to its best lines within it", async () => {
  const { engine } = await ctx;
  const budget = 4000;
  const question = "How does LaTeX printing set up and print a fraction, by fraction style?";
  const pack = engine.build(question, { budget });
  const setup = pack.spans.find((s) => s.symbol === "init_printing");
  assert.ok(setup, pack.text);
  assert.equal(setup.detail, "pruned", pack.text);
  // Its header and the file's header are within the share, and it keeps most of the share.
  assert.ok(setup.tokens <= budget / 4, `${setup.tokens} tokens`);
  assert.ok(setup.tokens >= budget / 8, `${setup.tokens} tokens`);
  // The method is shown whole: its last line is there.
  assert.match(pack.text, /^\s*\d+ \|\s+return "%s \/ %s" % \(numerator, denominator\)$/m, pack.text);
  // The inspector says why the long function lost lines.
  const pruned = pack.pruned.find((p) => p.symbol === "init_printing");
  assert.match(pruned?.reason ?? "", /over 25 % of the budget/);
});

/** The package at `budget` for a question that ranks init_printing first, and init_printing's span in it. */
async function askedAboutSetup(budget: number) {
  const { engine } = await ctx;
  const pack = engine.build("What does init_printing configure for each printer?", { budget });
  return { pack, setup: pack.spans.find((s) => s.symbol === "init_printing") };
}

test("the best-ranked unit is shown whole past the share, up to its own larger one: it is what the question is about", async () => {
  const budget = 6000;
  const { pack, setup } = await askedAboutSetup(budget);
  assert.equal(setup?.detail, "full", pack.text);
  assert.ok(setup.tokens > budget / 4, `${setup.tokens} tokens`);
});

test("the best-ranked unit too is pruned past its larger share (half the budget) to the best lines within it", async () => {
  const budget = 3200;
  const { pack, setup } = await askedAboutSetup(budget);
  assert.equal(setup?.detail, "pruned", pack.text);
  assert.ok(setup.tokens <= budget / 2, `${setup.tokens} tokens`);
  assert.ok(setup.tokens > budget / 4, `${setup.tokens} tokens`);
  const pruned = pack.pruned.find((p) => p.symbol === "init_printing");
  assert.match(pruned?.reason ?? "", /over 50 % of the budget/);
});
