import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { writeFixture } from "../helpers/fixture";
import { indexFor } from "../helpers/index";
import { createNodeIndex } from "../../src/core/index/node/create";

const paths = (idx: { files(): Iterable<{ path: string }> }) => [...idx.files()].map((f) => f.path).sort();

test("nested ignore files, .git/info/exclude, .threadlineignore and extra excludes", async () => {
  const fx = writeFixture(`
//- .gitignore
build/
*.log.py
!keep.log.py
//- .git/info/exclude
secret.py
//- secret.py
x = 1
//- build/out.py
x = 1
//- drop.log.py
x = 1
//- keep.log.py
x = 1
//- src/.gitignore
generated_*.py
!generated_keep.py
//- src/generated_a.py
x = 1
//- src/generated_keep.py
x = 1
//- src/main.py
x = 1
//- src/deep/.threadlineignore
private/
//- src/deep/private/p.py
x = 1
//- src/deep/public.py
x = 1
//- vendor/lib.py
x = 1
//- node_modules/dep/index.js
x = 1
`);
  try {
    const idx = indexFor(fx.root, { exclude: ["vendor/"] });
    const stats = await idx.build();
    assert.deepEqual(
      paths(idx),
      [
        ".gitignore",
        "keep.log.py",
        "src/.gitignore",
        "src/deep/public.py",
        "src/generated_keep.py",
        "src/main.py",
      ].filter((p) => !p.endsWith(".gitignore")),
    );
    // .git/, build/, drop.log.py, secret.py, src/generated_a.py, src/deep/private/, vendor/, node_modules/
    assert.equal(stats.skipped.ignored, 8);
    idx.dispose();
  } finally {
    fx.cleanup();
  }
});

test("binary content, minified code, huge files and symlink loops are skipped and counted", async () => {
  const fx = writeFixture(`
//- ok.py
def ok():
    return 1
`);
  try {
    fx.write("pickle.py", Buffer.from([0x80, 0x04, 0x95, 0x00, 0x00, 0x01, 0x02, 0x2e]));
    fx.write("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    fx.write("bundle.js", "var a=1;".repeat(2000));
    fx.write("big.py", "x = 1\n".repeat(5000));
    fs.mkdirSync(path.join(fx.root, "loop"));
    fs.symlinkSync(fx.root, path.join(fx.root, "loop", "back"));
    const idx = indexFor(fx.root, { maxFileBytes: 20_000 });
    const stats = await idx.build();
    assert.deepEqual(paths(idx), ["ok.py"]);
    assert.equal(stats.skipped.binary, 2, "pickle.py by content, image.png by extension");
    assert.equal(stats.skipped.generated, 1);
    assert.equal(stats.skipped.tooLarge, 1);
    assert.equal(stats.skipped.symlinkLoop, 1);
    idx.dispose();
  } finally {
    fx.cleanup();
  }
});

test("invalid UTF-8 is indexed with replacement characters and flagged, lines intact", async () => {
  const fx = writeFixture("");
  try {
    fx.write(
      "latin1.py",
      Buffer.concat([Buffer.from("# caf"), Buffer.from([0xe9]), Buffer.from("\n\ndef f():\n    pass\n")]),
    );
    const idx = indexFor(fx.root);
    await idx.build();
    const file = idx.get("latin1.py");
    assert.ok(file);
    assert.equal(file.invalidUtf8, true);
    assert.deepEqual(
      file.symbols.map((s) => [s.name, s.start, s.end]),
      [["f", 3, 4]],
    );
    idx.dispose();
  } finally {
    fx.cleanup();
  }
});

test("a file deleted while indexing is reported, not fatal", async () => {
  const fx = writeFixture("");
  try {
    for (let i = 0; i < 100; i++) fx.write(`m${String(i).padStart(3, "0")}.py`, `def f${i}():\n    return ${i}\n`);
    let deleted = false;
    const idx = indexFor(fx.root, {
      onProgress: () => {
        if (!deleted) fs.rmSync(path.join(fx.root, "m099.py"));
        deleted = true;
      },
    });
    const stats = await idx.build();
    assert.equal(stats.files, 99);
    assert.equal(idx.get("m099.py"), undefined);
    assert.deepEqual(idx.problems(), [{ path: "m099.py", message: "file vanished while indexing" }]);
    idx.dispose();
  } finally {
    fx.cleanup();
  }
});

test("multi-root workspaces prefix paths with the folder name", async () => {
  const a = writeFixture("//- x.py\ndef a():\n    pass\n");
  const b = writeFixture("//- x.py\ndef b():\n    pass\n");
  try {
    const idx = createNodeIndex(
      [
        { name: "front", path: a.root },
        { name: "back", path: b.root },
      ],
      { threads: 0 },
    );
    await idx.build();
    assert.deepEqual(paths(idx), ["back/x.py", "front/x.py"]);
    assert.equal(idx.get("back/x.py")?.symbols[0]?.name, "b");
    assert.equal(idx.toWorkspacePath(path.join(a.root, "x.py")), "front/x.py");
    idx.dispose();
  } finally {
    a.cleanup();
    b.cleanup();
  }
});
