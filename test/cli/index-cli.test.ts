import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { writeFixture } from "../helpers/fixture";

// Runs the bundled CLI, as a user would: this also proves dist/ carries its grammars, queries and worker.
const cli = path.resolve("dist/cli.js");

test(
  "`threadline index --json` prints the stats of the bundled index",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const fx = writeFixture(`
//- src/app.py
def main():
    return helper()
//- src/util.py
def helper():
    return 1
//- .gitignore
out/
//- out/skip.py
x = 1
`);
    try {
      fx.write("data.py", Buffer.from([0, 1, 2, 3]));
      const run = spawnSync(process.execPath, [cli, "index", fx.root, "--json"], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      const stats = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(stats).sort(), [
        "files",
        "fromCache",
        "ms",
        "parseErrors",
        "references",
        "skipped",
        "symbols",
      ]);
      assert.equal(stats.files, 2);
      assert.equal(stats.symbols, 2);
      assert.equal(stats.references, 1);
      assert.equal(stats.skipped.binary, 1);
      assert.equal(stats.skipped.ignored, 1);
    } finally {
      fx.cleanup();
    }
  },
);

test(
  "the CLI explains bad usage with exit code 2",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const missing = spawnSync(process.execPath, [cli, "index", "/no/such/dir"], { encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /not a directory: \/no\/such\/dir/);
    const unknown = spawnSync(process.execPath, [cli, "frobnicate"], { encoding: "utf8" });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  },
);
