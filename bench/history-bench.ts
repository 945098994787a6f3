/**
 * `npm run bench:history [-- <owner+name> …] [--questions 20]`
 *
 * What the history layer costs, per repository mirror (default sympy/sympy and
 * babel/babel from THREADLINE_MIRRORS, default ../.mirror):
 *   - the cold build (mining every commit up to HEAD~1 with `git log`), its
 *     commits, the persisted file's size and the process's peak RSS;
 *   - the incremental update when HEAD moves by one commit (HEAD~1 → HEAD);
 *   - a warm reload (nothing to mine: list, load, build the view);
 *   - the added question latency: the same questions (commit subjects sampled
 *     from the history) built at 8k with and without history, warm, p50/p95.
 * The machine is shared: read the ratios, measured within one run.
 */
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContextEngine } from "../src/core/context/context-engine";
import { createNodeIndex } from "../src/core/index/node/create";
import { subjectOf } from "../src/core/history/history-index";
import { openHistory, type HistoryResult } from "../src/core/history/open-history";
import { percentile } from "./stats";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const repos = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const mirrors = process.env.THREADLINE_MIRRORS ?? path.resolve("..", ".mirror");
const questions = Number(flag("questions") ?? 20);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-history-bench-"));

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const peakMb = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const ok = (r: HistoryResult) => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};

async function bench(name: string): Promise<void> {
  const gitDir = path.join(mirrors, name, "repo");
  if (!fs.existsSync(gitDir)) {
    console.log(`${name}: no mirror at ${gitDir}; skipped`);
    return;
  }
  const cacheFile = path.join(work, `${name}.bin`);
  const cold = ok(await openHistory({ gitDir, rev: "HEAD~1" }, { cacheFile }));
  const coldPeak = peakMb();
  const step = ok(await openHistory({ gitDir, rev: "HEAD" }, { cacheFile }));
  const warm = ok(await openHistory({ gitDir, rev: "HEAD" }, { cacheFile }));
  // A host (the editor, the MCP server) keeps the store between refreshes: a moved HEAD costs the view.
  const kept = ok(await openHistory({ gitDir, rev: "HEAD~1" }, { cacheFile, store: warm.store }));
  const keptStep = ok(await openHistory({ gitDir, rev: "HEAD" }, { cacheFile, store: kept.store }));
  console.log(
    `${name}: cold build ${(cold.ms / 1000).toFixed(1)} s for ${cold.index.size} commits with code ` +
      `(${cold.mined} read), file ${mb(fs.statSync(cacheFile).size)} MB, peak RSS ${coldPeak} MB; ` +
      `HEAD moves by one: ${step.ms.toFixed(0)} ms from the file, ${keptStep.ms.toFixed(0)} ms with the store kept ` +
      `(${step.mined} read); warm reload ${warm.ms.toFixed(0)} ms`,
  );

  // Added latency per question, with the index warm: the tree at HEAD, indexed once.
  const tree = path.join(work, `${name}-tree`);
  fs.mkdirSync(tree);
  execSync(`git --git-dir=${JSON.stringify(gitDir)} archive HEAD | tar -x -C ${JSON.stringify(tree)}`, {
    stdio: ["ignore", "ignore", "ignore"],
    maxBuffer: 1 << 30,
  });
  const index = createNodeIndex([{ name, path: tree }], { assetsDir: path.resolve("dist") });
  await index.build();
  const engine = new ContextEngine(index);
  engine.warmUp();
  const every = Math.max(1, Math.floor(warm.index.size / questions));
  const asked = warm.index.commits
    .filter((_, i) => i % every === 0)
    .slice(0, questions)
    .map((c) => subjectOf(c.message));
  const plain: number[] = [];
  const withHistory: number[] = [];
  for (const q of asked) {
    // Warm the token costs of both packages' units, so only ranking differs in the timing.
    engine.build(q, { budget: 8000 });
    engine.build(q, { budget: 8000, history: warm.index });
    let t = performance.now();
    engine.build(q, { budget: 8000 });
    plain.push(performance.now() - t);
    t = performance.now();
    engine.build(q, { budget: 8000, history: warm.index });
    withHistory.push(performance.now() - t);
  }
  const added = withHistory.map((w, i) => w - plain[i]!);
  console.log(
    `${name}: ${asked.length} questions at 8k, warm: without history p50 ${percentile(plain, 0.5).toFixed(0)} / p95 ` +
      `${percentile(plain, 0.95).toFixed(0)} ms; with history p50 ${percentile(withHistory, 0.5).toFixed(0)} / p95 ` +
      `${percentile(withHistory, 0.95).toFixed(0)} ms; added p50 ${percentile(added, 0.5).toFixed(0)} / p95 ${percentile(added, 0.95).toFixed(0)} ms; ` +
      `peak RSS ${peakMb()} MB`,
  );
  engine.dispose();
  index.dispose();
  fs.rmSync(tree, { recursive: true, force: true });
}

async function main() {
  try {
    for (const name of repos.length > 0 ? repos : ["sympy+sympy", "babel+babel"]) await bench(name);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
