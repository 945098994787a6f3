import assert from "node:assert/strict";
import { test } from "node:test";
import { locateAssets } from "../../src/core/index/node/assets";
import { WorkerPool } from "../../src/core/index/node/parser-pool";
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

test("workers are spawned only when all are busy, and after a batch the pool ends them, unless one keeps a tree; released workers are not crashes", async () => {
  const pool = new WorkerPool(locateAssets(), 2);
  const job = (i: number, keepTree = false) => ({
    path: `m${i}.py`,
    lang: "python" as const,
    bytes: Buffer.from(`def f${i}():\n    return g${i}()\n`),
    keepTree,
  });
  try {
    // More rounds than the pool's crash limit: a release must never count as a crash.
    for (let round = 0; round < 7; round++) {
      const outcomes = await Promise.all([0, 1, 2, 3].map((i) => pool.parse(job(i))));
      for (const o of outcomes) assert.equal(o.kind, "facts", JSON.stringify(o));
      assert.equal(pool.running, 2);
      pool.release();
      assert.equal(pool.running, 0);
    }
    // Edits come one file at a time: one worker serves them, however many files they touch.
    for (const i of [9, 10, 11, 9]) assert.equal((await pool.parse(job(i, true))).kind, "facts");
    assert.equal(pool.running, 1, "a second worker was spawned while the first was idle");
    pool.release();
    assert.equal(pool.running, 1, "a worker keeping a tree for the next edit was ended");
    // A batch beside it still spreads over the pool.
    const batch = await Promise.all([0, 1, 2, 3].map((i) => pool.parse(job(i))));
    for (const o of batch) assert.equal(o.kind, "facts", JSON.stringify(o));
    assert.equal(pool.running, 2);
  } finally {
    pool.dispose();
  }
});
