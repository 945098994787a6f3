import * as path from "node:path";
import { ContextEngine } from "../src/core/context/context-engine";
import { retrievalCacheFile } from "../src/core/context/retrieval-cache";
import { createNodeIndex } from "../src/core/index/node/create";
const [dir, cacheDir] = process.argv.slice(2) as [string, string];
const index = createNodeIndex([{ name: path.basename(dir), path: dir }], { cacheDir, assetsDir: path.resolve("dist") });
const engine = new ContextEngine(index, { cacheFile: retrievalCacheFile(cacheDir, [dir]) });
async function main() {
const t0 = performance.now();
await index.build();
const t1 = performance.now();
engine.prepare();
const t2 = performance.now();
(engine as any).counter();
const t3 = performance.now();
const p = engine.build("Where is the error message for an invalid argument raised, and how is it formatted?", { budget: 8000 });
const t4 = performance.now();
engine.build("How does the printer decide how to print a negative exponent?", { budget: 8000 });
const t5 = performance.now();
console.log(JSON.stringify({ index: t1 - t0, restore: t2 - t1, tiktoken: t3 - t2, first: t4 - t3, second: t5 - t4, stats: p.stats }));
process.exit(0);
}
void main();
