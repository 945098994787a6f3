import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { writeFixture } from "../helpers/fixture";

const cli = path.resolve("dist/cli.js");
const skip = !fs.existsSync(cli) && "run `npm run build` first";
const REPO = `
//- ledger/post.py
def post_entry(ledger, entry):
    ledger.entries.append(entry)
    return len(ledger.entries)
//- ledger/report.py
def summarize(ledger):
    return sum(e.amount for e in ledger.entries)
`;

/** The test-model script, as a user would run it; it also proves the bundled CLI finds onnxruntime in dist/. */
function makeModel(out: string, ...flags: string[]) {
  const run = spawnSync(process.execPath, ["scripts/make-test-model.mjs", "--out", out, ...flags], {
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { config: { layers: number } };
}

test("`threadline calibrate --json` finds the planted head of a generated model", { skip }, () => {
  const fx = writeFixture(REPO);
  try {
    const model = path.join(fx.root, "..", `${path.basename(fx.root)}-model.gguf`);
    makeModel(model, "--type", "q8_0", "--planted-layer", "1", "--planted-head", "3");
    const run = spawnSync(
      process.execPath,
      [cli, "calibrate", "--model", model, "--repo", fx.root, "--layers", "3", "--heads", "1", "--json"],
      {
        encoding: "utf8",
      },
    );
    fs.rmSync(model, { force: true });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.equal(result.layer, 1);
    assert.deepEqual(result.heads, [3]);
    assert.equal(result.scores.length, 3);
    assert.ok(typeof result.ms === "number");
  } finally {
    fx.cleanup();
  }
});

test(
  "`threadline context --model` says which scorer ran, and falls back to lexical on a broken model",
  { skip },
  () => {
    const fx = writeFixture(REPO);
    const model = path.join(fx.root, "..", `${path.basename(fx.root)}-model`);
    try {
      makeModel(model, "--format", "safetensors");
      const cache = path.join(fx.root, "..", `${path.basename(fx.root)}-cache`);
      const args = [
        cli,
        "context",
        "--repo",
        fx.root,
        "--question",
        "how is an entry posted?",
        "--budget",
        "600",
        "--format",
        "json",
      ];
      const good = spawnSync(process.execPath, [...args, "--model", model, "--cache", cache], { encoding: "utf8" });
      assert.equal(good.status, 0, good.stderr);
      const pack = JSON.parse(good.stdout);
      assert.equal(pack.scorer.kind, "model");
      assert.equal(pack.scorer.model, path.basename(model));
      assert.ok(pack.tokens <= 600);
      assert.ok(pack.text.includes("def post_entry(ledger, entry):"));

      fs.writeFileSync(path.join(model, "model.safetensors"), "truncated");
      const bad = spawnSync(process.execPath, [...args, "--model", model], { encoding: "utf8" });
      assert.equal(bad.status, 0, bad.stderr);
      assert.match(bad.stderr, /local model not used: .*model\.safetensors/);
      const fallback = JSON.parse(bad.stdout);
      assert.equal(fallback.scorer.kind, "lexical");
      assert.match(fallback.scorer.fallback, /local model not used/);
      fs.rmSync(cache, { recursive: true, force: true });
    } finally {
      fs.rmSync(model, { recursive: true, force: true });
      fx.cleanup();
    }
  },
);
