import assert from "node:assert/strict";
import { after, test } from "node:test";
import { engineFor } from "../helpers/context";

/**
 * A package's `__init__.py` that imports and lists every unit by name, as sympy's
 * `physics/units/__init__.py` does, and the function that converts them. The module code matches
 * the question's every unit name; whole, it would take the room the function needs.
 */
const UNITS = ["joule", "kilogram", "meter", "second", "newton", "watt", "pascal", "coulomb"];
const INIT = [
  ...UNITS.map((u) => `from .definitions import ${u}, ${u}s, kilo${u}, milli${u}, micro${u}  # ${u} units`),
  "from .util import convert_to",
  "",
  "__all__ = [",
  ...UNITS.flatMap((u) => [`    "${u}",`, `    "${u}s",`, `    "kilo${u}",`, `    "milli${u}",`]),
  '    "convert_to",',
  "]",
  "",
  "",
  "def find_unit(quantity):",
  '    """The names of the units above whose dimension is that of quantity."""',
  "    return [u for u in __all__ if dimension(u) == dimension(quantity)]",
].join("\n");
const FIXTURE = `
//- units/__init__.py
${INIT}
//- units/util.py
def convert_to(expr, target_units):
    """Convert expr to the same expression in terms of the target units (joule, kilogram…)."""
    matrix = conversion_matrix(expr, target_units)
    if matrix is None:
        return expr
    return scale(expr, matrix, target_units)
`;

const ctx = engineFor(FIXTURE);
after(async () => (await ctx).cleanup());

test("module code is pruned to a small share of the budget, and keeps the lines that match the question", async () => {
  const { engine } = await ctx;
  const budget = 3000;
  const pack = engine.build("convert_to(joule, [kilogram, meter, second]) gives joule back unchanged", { budget });
  const module = pack.spans.filter((s) => s.file === "units/__init__.py" && s.symbol === undefined);
  assert.equal(module.length, 1, pack.text);
  assert.equal(module[0]!.detail, "pruned", pack.text);
  // The cap is 5 % of the budget (150 tokens); the span is pruned to a tenth below it, then rendered.
  assert.ok(module[0]!.tokens <= budget * 0.05, `${module[0]!.tokens} tokens of module code\n${pack.text}`);
  assert.match(
    pack.text,
    /^\s*\d+ \| from \.definitions import joule, /m,
    "an import of a unit the question names is kept",
  );
  assert.doesNotMatch(pack.text, /"wattss?",/, "the list of every name is not");
  const reason = pack.pruned.find((p) => p.file === "units/__init__.py")?.reason;
  assert.match(reason ?? "", /would take over 5 % of the budget/);
  // The function the question is about, whole.
  const fn = pack.spans.find((s) => s.symbol === "convert_to");
  assert.equal(fn?.detail, "full", pack.text);
});

test("module code in a file the question names is not capped: the fix may be an import or a row of it", async () => {
  const { engine } = await ctx;
  const pack = engine.build("find_unit(joule) misses kilojoule, millijoule and microjoule", { budget: 3000 });
  // find_unit ranks above the module code, which is not capped, for the question names its file.
  const module = pack.spans.filter((s) => s.file === "units/__init__.py" && s.symbol === undefined);
  const named = pack.spans.find((s) => s.symbol === "find_unit");
  assert.ok(named && module[0] && named.score > module[0].score, pack.text);
  assert.deepEqual(
    module.map((s) => s.detail),
    ["full"],
    pack.text,
  );
});
