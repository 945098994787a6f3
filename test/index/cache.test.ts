import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { INDEX_SCHEMA_VERSION, cacheFileFor } from "../../src/core/index/cache";
import { writeFixture } from "../helpers/fixture";
import { indexFor } from "../helpers/index";

const source = `
//- a.py
def alpha():
    return 1
//- b.py
def beta():
    return 2
`;

function withCache() {
  const fx = writeFixture(source);
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-cache-"));
  return {
    fx,
    cacheDir,
    cacheFile: cacheFileFor(cacheDir, fx.root),
    cleanup: () => {
      fx.cleanup();
      fs.rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

test("a warm start takes every file from the cache; a changed file is parsed again", async () => {
  const c = withCache();
  try {
    const first = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    assert.equal((await first.build()).fromCache, 0);
    await first.save();
    first.dispose();
    assert.equal(JSON.parse(fs.readFileSync(c.cacheFile, "utf8")).schema, INDEX_SCHEMA_VERSION);

    const warm = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    const stats = await warm.build();
    assert.equal(stats.fromCache, 2);
    assert.deepEqual(warm.problems(), []);
    warm.dispose();

    c.fx.write("b.py", "def beta_renamed():\n    return 2\n");
    const again = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    assert.equal((await again.build()).fromCache, 1);
    assert.equal(again.get("b.py")?.symbols[0]?.name, "beta_renamed");
    again.dispose();
  } finally {
    c.cleanup();
  }
});

for (const [label, corrupt] of [
  ["garbage bytes", (_f: string) => Buffer.from([0, 1, 2, 3, 255])],
  ["a truncated file", (f: string) => fs.readFileSync(f).subarray(0, 40)],
  ["an old schema", (f: string) => JSON.stringify({ ...JSON.parse(fs.readFileSync(f, "utf8")), schema: 0 })],
  [
    "a record that lies about its shape",
    (f: string) => {
      const data = JSON.parse(fs.readFileSync(f, "utf8"));
      for (const k of Object.keys(data.records)) data.records[k] = { symbols: "nope" };
      return JSON.stringify(data);
    },
  ],
] as const) {
  test(`a cache with ${label} is rebuilt, never trusted`, async () => {
    const c = withCache();
    try {
      const first = indexFor(c.fx.root, { cacheDir: c.cacheDir });
      await first.build();
      await first.save();
      first.dispose();
      fs.writeFileSync(c.cacheFile, corrupt(c.cacheFile));

      const idx = indexFor(c.fx.root, { cacheDir: c.cacheDir });
      const stats = await idx.build();
      assert.equal(stats.fromCache, 0);
      assert.equal(stats.files, 2);
      assert.equal(idx.get("a.py")?.symbols[0]?.name, "alpha");
      assert.equal(idx.problems().length, 1);
      assert.match(idx.problems()[0]!.message, /^index cache rebuilt: /);
      await idx.save();
      idx.dispose();
      assert.equal(JSON.parse(fs.readFileSync(c.cacheFile, "utf8")).schema, INDEX_SCHEMA_VERSION, "rewritten whole");
    } finally {
      c.cleanup();
    }
  });
}

test("incremental updates: change, create, delete, rename, ignore", async () => {
  const fx = writeFixture(source + "//- .gitignore\nscratch/\n");
  try {
    const idx = indexFor(fx.root);
    await idx.build();
    const a = fx.write("a.py", "def alpha2():\n    return 1\n");
    const c = fx.write("c.py", "class Gamma:\n    pass\n");
    const ignored = fx.write("scratch/tmp.py", "x = 1\n");
    const b = path.join(fx.root, "b.py");
    const renamed = path.join(fx.root, "b2.py");
    fs.renameSync(b, renamed);
    const result = await idx.update([a, c, ignored, b, renamed]);
    assert.deepEqual(Object.fromEntries(result), {
      [a]: "changed",
      [c]: "added",
      [ignored]: "skipped",
      [b]: "removed",
      [renamed]: "added",
    });
    assert.deepEqual([...idx.files()].map((f) => `${f.path}:${f.symbols.map((s) => s.name).join()}`).sort(), [
      "a.py:alpha2",
      "b2.py:beta",
      "c.py:Gamma",
    ]);
    assert.deepEqual(Object.fromEntries(await idx.update([a])), { [a]: "unchanged" });
    idx.dispose();
  } finally {
    fx.cleanup();
  }
});

test("a fresh build (Rebuild Index) parses every file again instead of serving the cache", async () => {
  const c = withCache();
  try {
    const first = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    await first.build();
    await first.save();
    first.dispose();
    const second = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    try {
      assert.equal((await second.build()).fromCache, 2, "an ordinary build uses the cache");
      const fresh = await second.build(undefined, { fresh: true });
      assert.equal(fresh.fromCache, 0);
      assert.equal(fresh.files, 2);
      assert.equal(fresh.symbols, 2);
    } finally {
      second.dispose();
    }
  } finally {
    c.cleanup();
  }
});

test("a file a tool wrote comes back from the cache still flagged as generated", async () => {
  const c = withCache();
  try {
    c.fx.write("gen_pb2.py", "# @generated by protoc\ndef message():\n    return 3\n");
    const first = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    await first.build();
    await first.save();
    first.dispose();
    const warm = indexFor(c.fx.root, { cacheDir: c.cacheDir });
    assert.equal((await warm.build()).fromCache, 3);
    assert.equal(warm.get("gen_pb2.py")?.generated, true);
    assert.equal(warm.get("a.py")?.generated, undefined);
    warm.dispose();
  } finally {
    c.cleanup();
  }
});
