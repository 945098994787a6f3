import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import type { ContextPackage } from "../../src/core/context/types";
import { shopHistoryRepo } from "../helpers/git-repo";

const cli = path.resolve("dist/cli.js");
const skip = !fs.existsSync(cli) && "run `npm run build` first";
const QUESTION = "Why is VAT rounding wrong for zero-rated goods?";

function context(repo: string, ...extra: string[]): { pack: ContextPackage; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [cli, "context", "--repo", repo, "--question", QUESTION, "--budget", "2000", "--format", "json", ...extra],
    { encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stderr);
  return { pack: JSON.parse(run.stdout) as ContextPackage, stderr: run.stderr };
}

test(
  "`context` ranks by the repository's history, from its own .git or from --git-dir up to --git-rev",
  { skip },
  () => {
    const { repo, fixVat } = shopHistoryRepo();
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-hcli-"));
    const exported = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-export-"));
    try {
      const own = context(repo.root, "--cache", cache);
      assert.deepEqual(own.pack.history, { state: "used", commits: 3 });
      const levy = own.pack.spans.find((s) => s.symbol === "levy");
      const reason = levy?.reasons.find((r) => r.kind === "history");
      assert.ok(reason && reason.kind === "history", JSON.stringify(levy));
      assert.equal(reason.example.id, fixVat);
      assert.match(own.stderr, /history: 3 commits to [0-9a-f]{7}/);

      // A tree without .git, its history from the repository's git directory up to the fix.
      fs.cpSync(path.join(repo.root, "shop"), path.join(exported, "shop"), { recursive: true });
      const other = context(exported, "--git-dir", path.join(repo.root, ".git"), "--git-rev", fixVat, "--cache", cache);
      assert.deepEqual(other.pack.history, { state: "used", commits: 2 });
      assert.ok(other.pack.spans.some((s) => s.symbol === "levy" && s.reasons.some((r) => r.kind === "history")));

      const off = context(repo.root, "--no-history");
      assert.equal(off.pack.history, undefined);
      assert.ok(!off.pack.spans.some((s) => s.reasons.some((r) => r.kind === "history")));

      const none = context(exported);
      assert.deepEqual(none.pack.history, { state: "unavailable", reason: "not a git repository" });
      assert.match(none.stderr, /history: not used \(not a git repository\)/);
    } finally {
      repo.cleanup();
      fs.rmSync(cache, { recursive: true, force: true });
      fs.rmSync(exported, { recursive: true, force: true });
    }
  },
);
