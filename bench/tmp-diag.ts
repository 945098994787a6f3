// Scratch diagnostic (not committed): where do gold functions rank, and what happens to them at 8k?
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContextEngine } from "../src/core/context/context-engine";
import { rankUnits } from "../src/core/context/rank";
import { createNodeIndex } from "../src/core/index/node/create";
import { linesInContext, loadInstances, type Instance } from "./swebench";

const work = path.join(os.tmpdir(), "threadline-bench");
const mirrors = process.env.THREADLINE_MIRRORS ?? "/work/.mirror";
function materialize(instance: Instance): string | undefined {
  const gitDir = path.join(mirrors, instance.repo.replace("/", "+"), "repo");
  if (!fs.existsSync(gitDir)) return undefined;
  const dir = path.join(work, "trees", instance.repo.replace("/", "+"));
  const stamp = path.join(work, "trees", instance.repo.replace("/", "+") + ".commit");
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === instance.base_commit) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execSync(`git --git-dir=${JSON.stringify(gitDir)} archive ${instance.base_commit} | tar -x -C ${JSON.stringify(dir)}`, { stdio: ["ignore", "ignore", "ignore"], maxBuffer: 1 << 30 });
  fs.writeFileSync(stamp, instance.base_commit);
  return dir;
}
async function main() {
  const budget = Number(process.env.BUDGET ?? 8000);
  let instances = loadInstances(process.argv[2]!).sort((a, b) => a.repo.localeCompare(b.repo) || a.base_commit.localeCompare(b.base_commit));
  const limit = Number(process.env.LIMIT ?? instances.length);
  instances = instances.slice(0, limit);
  for (const instance of instances) {
    const dir = materialize(instance);
    if (!dir) continue;
    const index = createNodeIndex([{ name: "repo", path: dir }], { cacheDir: path.join(work, "cache"), assetsDir: path.resolve("dist") });
    await index.build();
    const engine = new ContextEngine(index);
    engine.prepare();
    const r = engine.retrievalIndex!;
    const pack = engine.build(instance.problem_statement, { budget });
    const shown = linesInContext(pack.text, (f) => r.lines.get(f));
    const ranked = rankUnits(r, instance.problem_statement, undefined, true, undefined);
    const pos = new Map(ranked.map((x, i) => [x.unit, i]));
    const golds = instance.gold_functions ?? [];
    const out = [];
    for (const g of golds) {
      const units = r.unitsByFile.get(g.file) ?? [];
      let best: number | undefined;
      for (const u of units) { const un = r.units[u]!; if (un.start <= g.start && un.end >= g.start) { best = u; break; } }
      if (best === undefined) for (const u of units) { const un = r.units[u]!; if (un.start >= g.start && un.start <= g.end) { best = u; break; } }
      const hit = shown.get(g.file)?.has(g.start) ?? false;
      const span = pack.spans.find((s) => s.file === g.file && s.ranges.some(([a, b]) => a <= g.start && g.start <= b));
      const fileShown = (shown.get(g.file)?.size ?? 0) > 0;
      const un = best !== undefined ? r.units[best] : undefined;
      out.push({ name: g.name, kind: un?.kind, len: g.end - g.start + 1, rank: best !== undefined ? (pos.get(best) ?? -1) : -2, hit, fileShown, detail: span?.detail, inPruned: pack.pruned.some((p) => p.file === g.file && p.symbol === un?.name) });
    }
    process.stdout.write(JSON.stringify({ id: instance.instance_id, q: instance.problem_statement.slice(0, 200), golds: out, fileAll: (instance.gold_files ?? []).every((f) => (shown.get(f)?.size ?? 0) > 0), lineHit: Object.entries(instance.gold_lines ?? {}).flatMap(([f, ls]) => ls.map((l) => (shown.get(f)?.has(l) ? 1 : 0))), spans: pack.spans.length, files: new Set(pack.spans.map((s) => s.file)).size }) + "\n");
    engine.dispose();
    index.dispose();
  }
}
void main();
