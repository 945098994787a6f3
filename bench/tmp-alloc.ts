import * as path from "node:path";
import * as os from "node:os";
import { ContextEngine } from "../src/core/context/context-engine";
import { createNodeIndex } from "../src/core/index/node/create";
import { loadInstances } from "./swebench";
async function main() {
  const work = path.join(os.tmpdir(), "threadline-bench");
  const inst = loadInstances(process.argv[2]!).filter((i) => i.repo.includes(process.argv[3]!) || i.instance_id === process.argv[3]).slice(0, Number(process.argv[4] ?? 3));
  const dir = path.join(work, "trees", inst[0]!.repo.replace("/", "+"));
  const index = createNodeIndex([{ name: "repo", path: dir }], { cacheDir: path.join(work, "cache"), assetsDir: path.resolve("dist") });
  await index.build();
  const engine = new ContextEngine(index);
  for (const i of inst) {
    const p = engine.build(i.problem_statement, { budget: 8000 });
    const by: Record<string, [number, number]> = {};
    for (const s of p.spans) { const e = (by[s.detail] ??= [0, 0]); e[0]++; e[1] += s.tokens; }
    console.log(i.instance_id, JSON.stringify(by), "outline", p.sections.outline, "files", new Set(p.spans.map((s) => s.file)).size, "tokens", p.tokens);
    if (process.env.SHOW) console.log(p.text);
  }
}
void main();
