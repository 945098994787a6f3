import assert from "node:assert/strict";
import { test } from "node:test";
import { writeFixture } from "../helpers/fixture";
import { indexFor } from "../helpers/index";

test("parsing on worker threads gives the same facts as parsing inline", async () => {
  let spec = "";
  for (let i = 0; i < 30; i++) spec += `//- m${i}.py\nclass C${i}:\n    def run(self):\n        return helper${i}()\n`;
  const fx = writeFixture(spec);
  try {
    const inline = indexFor(fx.root, { threads: 0 });
    const pooled = indexFor(fx.root, { threads: 2 });
    await Promise.all([inline.build(), pooled.build()]);
    const facts = (idx: typeof inline) =>
      [...idx.files()].sort((x, y) => x.path.localeCompare(y.path)).map(({ absPath: _a, ...f }) => f);
    assert.equal(pooled.size, 30);
    assert.deepEqual(facts(pooled), facts(inline));
    assert.deepEqual(pooled.get("m7.py")?.refs, { helper7: [3] });
    inline.dispose();
    pooled.dispose();
  } finally {
    fx.cleanup();
  }
});
