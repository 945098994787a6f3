/**
 * The benchmark trees: each instance's repository at its base commit, unpacked from a bare git
 * mirror (THREADLINE_MIRRORS, default ../.mirror, one `<owner>+<name>/repo` each, as the
 * workplace's fetch tool brings them) under the system temp folder, never into the project.
 */
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContextEngine } from "../src/core/context/context-engine";
import { createNodeIndex } from "../src/core/index/node/create";
import type { Instance } from "./swebench";

const mirrors = process.env.THREADLINE_MIRRORS ?? path.resolve("..", ".mirror");
/** Trees, index caches and history caches of every bench run. */
export const work = path.join(os.tmpdir(), "threadline-bench");

export const mirrorOf = (instance: Instance) => path.join(mirrors, instance.repo.replace("/", "+"), "repo");

/**
 * The instance's tree, unpacked once per (repository, base commit): instances are sorted by
 * both, so a repository's tree is re-extracted only when its commit changes. Undefined when
 * there is no mirror of the repository.
 */
export function materialize(instance: Instance): string | undefined {
  const gitDir = mirrorOf(instance);
  if (!fs.existsSync(gitDir)) return undefined;
  const dir = path.join(work, "trees", instance.repo.replace("/", "+"));
  const stamp = path.join(work, "trees", instance.repo.replace("/", "+") + ".commit");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === instance.base_commit) return dir;
  // The stamp goes first: a run stopped while the tree is being replaced must not find a stale
  // stamp over a half-written tree next time.
  fs.rmSync(stamp, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  // Snapshots may lack a few large blobs; archive what is there (tar still gets every readable file).
  execSync(
    `git --git-dir=${JSON.stringify(gitDir)} archive ${instance.base_commit} | tar -x -C ${JSON.stringify(dir)}`,
    {
      stdio: ["ignore", "ignore", "ignore"],
      maxBuffer: 1 << 30,
    },
  );
  fs.writeFileSync(stamp, instance.base_commit);
  return dir;
}

/** A tree's workspace index (built, or brought up to date from the bench's cache) and its warm context engine. */
export async function openTree(dir: string) {
  const index = createNodeIndex([{ name: "repo", path: dir }], {
    cacheDir: path.join(work, "cache"),
    assetsDir: path.resolve("dist"),
  });
  await index.build();
  await index.save();
  const engine = new ContextEngine(index);
  const prepareMs = engine.prepare();
  return { index, engine, prepareMs };
}
