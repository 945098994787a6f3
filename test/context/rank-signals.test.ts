import assert from "node:assert/strict";
import { test } from "node:test";
import { rankUnits } from "../../src/core/context/rank";
import { engineFor } from "../helpers/context";

test("an error message from the report finds the code that raises it, verbatim", async () => {
  const ctx = await engineFor(`
//- geo/grid.py
def reshape(cells, rows, cols):
    if rows * cols != len(cells):
        raise ValueError("cannot reshape grid of %d cells into %dx%d" % (len(cells), rows, cols))
    return [cells[r * cols:(r + 1) * cols] for r in range(rows)]


def cells_in(grid):
    """How many cells a grid has, used when a grid is reshaped or resized."""
    return sum(len(row) for row in grid)
`);
  try {
    const ranked = rankUnits(
      ctx.retrieval,
      "Resizing my grid fails:\nValueError: cannot reshape grid of 12 cells into 5x3",
    );
    const top = ctx.retrieval.units[ranked[0]!.unit]!;
    assert.equal(top.name, "reshape");
    assert.ok(ranked[0]!.reasons.some((r) => r.kind === "phrase" && r.text === "cannot reshape grid of"));
  } finally {
    ctx.cleanup();
  }
});

test("a class about the question lifts its methods above the same method in another class", async () => {
  const method = `
    def compute(self, order):
        return order.total - self.fee(order)  # refund amount
`;
  const ctx = await engineFor(`
//- shop/policies.py
class Alpha:
    """Refund policy: how a refund is granted, and refund limits for returned orders."""
${method}

class Beta:
    """Shipping policy: carriers and delivery windows."""
${method}`);
  try {
    const ranked = rankUnits(ctx.retrieval, "how is a refund granted for returned orders?");
    const score = (name: string) => ranked.find((r) => ctx.retrieval.units[r.unit]!.name === name)!.score;
    assert.ok(score("Alpha.compute") > score("Beta.compute"), `${score("Alpha.compute")} vs ${score("Beta.compute")}`);
  } finally {
    ctx.cleanup();
  }
});

test("a class the question calls lifts its constructor, not other classes' constructors", async () => {
  const ctx = await engineFor(`
//- geo/shapes.py
class Interval:
    def __new__(cls, start, end):
        if end < start:
            start, end = end, start
        return object.__new__(cls)

    def width(self):
        return self.end - self.start


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
`);
  try {
    const ranked = rankUnits(ctx.retrieval, "Interval(3, 1) swaps its ends silently; it should raise instead.");
    const at = (name: string) => ranked.findIndex((r) => ctx.retrieval.units[r.unit]!.name === name);
    const ctor = ranked[at("Interval.__new__")];
    assert.ok(
      ctor?.reasons.some((r) => r.kind === "identifier" && r.name === "Interval(…)"),
      JSON.stringify(ctor),
    );
    assert.ok(at("Point.__init__") === -1 || at("Point.__init__") > at("Interval.__new__"));
  } finally {
    ctx.cleanup();
  }
});
