/**
 * `npm run bench:ranking [-- --data a.jsonl,b.jsonl --repo flask --limit N]`
 *
 * How well the ranking alone places the gold code of the dev sets, without building a package:
 * a minute or three where `bench:context` takes many, so a ranking change can be tried on both
 * sets at once. Measured without history (the ranking a question gets before history is ready).
 *
 * - Files: the share of instances whose gold files all lie among the first k files of the
 *   ranking (a file's place is that of its best unit). A package names about 3.5 files per 1k
 *   tokens of budget, so k = 30 is roughly what 8k can reach.
 * - Definitions: the gold definitions by the rank of the unit that holds each. A package at 8k
 *   shows some 10-30 units whole and names 40-60 more by their signatures; the context builder
 *   considers the best 400.
 *
 * Measures what `bench:context` cannot separate: a gold definition missed because it ranks low,
 * against one missed because the package had no room for it.
 */
import * as path from "node:path";
import { rankUnits } from "../src/core/context/rank";
import { goldDefinitions, goldFiles, loadInstances } from "./swebench";
import { materialize, openTree } from "./trees";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const benchDir = path.resolve("..", "shared", "bench");
const dataFiles = (
  flag("data") ?? ["swebench-lite-dev.jsonl", "qa-dev.jsonl"].map((f) => path.join(benchDir, f)).join(",")
)
  .split(",")
  .filter(Boolean);

const FILE_PLACES = [1, 2, 5, 10, 20, 30];
const UNIT_RANKS = [25, 50, 100, 400];

async function run(dataFile: string): Promise<void> {
  let instances = loadInstances(dataFile);
  const repoFilter = flag("repo");
  if (repoFilter) instances = instances.filter((i) => i.repo.includes(repoFilter));
  instances = instances
    .slice(0, Number(flag("limit") ?? instances.length))
    .sort((a, b) => a.repo.localeCompare(b.repo) || a.base_commit.localeCompare(b.base_commit));
  /** Instances whose worst gold file lies within the first k files, by k. */
  const allWithin = new Map(FILE_PLACES.map((k) => [k, 0]));
  /** Gold definitions whose unit ranks within the first r units, by r. */
  const unitWithin = new Map(UNIT_RANKS.map((r) => [r, 0]));
  let measured = 0;
  let definitions = 0;
  let unranked = 0;
  for (const [n, instance] of instances.entries()) {
    const dir = materialize(instance);
    if (!dir) continue;
    const { index, engine } = await openTree(dir);
    const retrieval = engine.retrievalIndex!;
    const ranked = rankUnits(retrieval, instance.problem_statement);
    const fileOrder = new Map<string, number>();
    for (const r of ranked) {
      const file = retrieval.units[r.unit]!.file;
      if (!fileOrder.has(file)) fileOrder.set(file, fileOrder.size);
    }
    const files = goldFiles(instance);
    if (files.length > 0) {
      measured++;
      const worst = Math.max(...files.map((f) => fileOrder.get(f) ?? Infinity));
      for (const k of FILE_PLACES) if (worst < k) allWithin.set(k, allWithin.get(k)! + 1);
    }
    const position = new Map(ranked.map((r, i) => [r.unit, i]));
    const symbolsOf = (f: string) =>
      index.get(f)?.symbols.map((s) => ({ name: s.qualifiedName, kind: s.kind, start: s.start, end: s.end }));
    for (const gold of goldDefinitions(instance, symbolsOf)) {
      definitions++;
      const unit = retrieval.unitAt(gold.file, gold.start);
      const rank = unit === undefined ? undefined : position.get(unit);
      if (rank === undefined) unranked++;
      else for (const r of UNIT_RANKS) if (rank < r) unitWithin.set(r, unitWithin.get(r)! + 1);
    }
    process.stderr.write(`[${n + 1}/${instances.length}] ${instance.instance_id}\n`);
    engine.dispose();
    index.dispose();
  }
  const pct = (x: number, of: number) => `${((100 * x) / Math.max(1, of)).toFixed(1)}%`;
  console.log(`\n${path.basename(dataFile, ".jsonl")}: ${measured} instances, ${definitions} gold definitions`);
  console.log(
    `all gold files within the first k files:   ${FILE_PLACES.map((k) => `k=${k} ${pct(allWithin.get(k)!, measured)}`).join("  ")}`,
  );
  console.log(
    `gold definitions within the first r units: ${UNIT_RANKS.map((r) => `r=${r} ${pct(unitWithin.get(r)!, definitions)}`).join("  ")}  not ranked ${pct(unranked, definitions)}`,
  );
}

async function main() {
  for (const dataFile of dataFiles) await run(dataFile);
}

void main();
