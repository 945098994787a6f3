import assert from "node:assert/strict";
import { test } from "node:test";
import { lineEdit } from "../../src/core/index/line-edit";
import { locateAssets } from "../../src/core/index/node/assets";
import { InlineParser } from "../../src/core/index/node/parser-pool";
import type { ParseOutcome } from "../../src/core/index/parse-file";

test("lineEdit covers exactly the changed lines", () => {
  const before = "a\nb\nc\nd\n";
  const after = "a\nB\nBB\nc\nd\n";
  const e = lineEdit(before, after)!;
  assert.equal(before.slice(e.startIndex, e.oldEndIndex), "b\n");
  assert.equal(after.slice(e.startIndex, e.newEndIndex), "B\nBB\n");
  assert.deepEqual(
    [e.startPosition, e.oldEndPosition, e.newEndPosition],
    [
      { row: 1, column: 0 },
      { row: 2, column: 0 },
      { row: 3, column: 0 },
    ],
  );
  assert.equal(lineEdit(before, before), undefined);
  assert.equal(lineEdit("a\nb", "a\nc"), undefined, "a last line without newline is parsed afresh");
});

test("re-parsing incrementally gives the same facts as parsing afresh, edit after edit", async () => {
  const kept = new InlineParser(locateAssets());
  const fresh = new InlineParser(locateAssets());
  const lines = Array.from({ length: 60 }, (_, i) => (i % 6 === 0 ? `def f${i}(x):` : `    y${i} = g${i}(x)  # é`));
  let seed = 7;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const facts = (o: ParseOutcome) => (o.kind === "facts" ? o.facts : assert.fail(JSON.stringify(o)));
  try {
    for (let step = 0; step < 40; step++) {
      const at = rand(lines.length);
      const op = rand(3);
      if (op === 0) lines.splice(at, 0, `def inserted${step}():\n    return h${step}()`);
      else if (op === 1 && lines.length > 10) lines.splice(at, 1);
      else lines[at] = `    z${step} = k${step}()`;
      const bytes = Buffer.from(lines.join("\n") + "\n");
      const a = facts(await kept.parse({ path: "m.py", lang: "python", bytes, keepTree: true }));
      const b = facts(await fresh.parse({ path: "m.py", lang: "python", bytes }));
      assert.deepEqual(a, b, `step ${step}`);
    }
  } finally {
    kept.dispose();
    fresh.dispose();
  }
});
