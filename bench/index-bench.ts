/**
 * `npm run bench:index -- <dir> [<dir> …]`: cold, warm and incremental index
 * timings and peak RSS, each phase in a fresh process so figures do not leak
 * into one another. Raw single-threaded parse time is measured in the same run
 * and printed beside the index time as a ratio (the machine is shared: compare
 * ratios, not absolute times, across runs).
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Language, Parser, Query } from "web-tree-sitter";
import { discoverFiles } from "../src/core/index/discover";
import { type GrammarSpec, grammarFor, queryFileFor } from "../src/core/index/languages";
import { locateAssets } from "../src/core/index/node/assets";
import { createNodeIndex } from "../src/core/index/node/create";
import { DEFAULT_MAX_FILE_BYTES } from "../src/core/index/workspace-index";

type PhaseResult = Record<string, number | string>;

async function phase(name: string, dir: string, cacheDir: string, shard = "0/1"): Promise<PhaseResult> {
  const assets = locateAssets(path.resolve("dist"));
  if (name === "raw-parse") {
    const [k, n] = shard.split("/").map(Number) as [number, number];
    await Parser.init({ locateFile: () => assets.runtimeWasm });
    const found = await discoverFiles(dir, { maxFileBytes: DEFAULT_MAX_FILE_BYTES, exclude: [] });
    const parsers = new Map<string, Parser>();
    const texts: [string, string][] = [];
    for (const [i, f] of found.files.entries()) {
      const g = grammarFor(f.lang);
      if (i % n !== k) continue;
      if (!g) continue;
      if (!parsers.has(g.id)) {
        const p = new Parser();
        p.setLanguage(await Language.load(fs.readFileSync(path.join(assets.wasmDir, g.wasm))));
        parsers.set(g.id, p);
      }
      texts.push([g.id, fs.readFileSync(f.abs, "utf8")]);
    }
    const t = performance.now();
    for (const [id, text] of texts) parsers.get(id)!.parse(text)?.delete();
    const ms = performance.now() - t;
    // The tags query on its own, per language, as a share of that language's parse time.
    const perLang = new Map<string, { parse: number; query: number }>();
    const queries = new Map<string, Query>();
    for (const [id, text] of texts) {
      const p = performance.now();
      const tree = parsers.get(id)!.parse(text);
      const q = performance.now();
      if (!tree) continue;
      let query = queries.get(id);
      if (!query)
        queries.set(
          id,
          (query = new Query(
            parsers.get(id)!.language!,
            fs.readFileSync(path.join(assets.queryDir, queryFileFor(id as GrammarSpec["id"])), "utf8"),
          )),
        );
      for (const m of query.matches(tree.rootNode)) for (const c of m.captures) void c.node.text;
      const e = performance.now();
      tree.delete();
      const entry = perLang.get(id) ?? { parse: 0, query: 0 };
      entry.parse += q - p;
      entry.query += e - q;
      perLang.set(id, entry);
    }
    const overhead = [...perLang]
      .filter(([, v]) => v.parse > 50)
      .map(([id, v]) => `${id} ${(v.query / v.parse).toFixed(2)}×`)
      .join(", ");
    return { ms, files: texts.length, overhead };
  }
  const index = createNodeIndex([{ name: path.basename(dir), path: dir }], {
    cacheDir,
    assetsDir: path.resolve("dist"),
  });
  const t = performance.now();
  const stats = await index.build();
  const ms = performance.now() - t;
  const out: PhaseResult = { ms, files: stats.files, symbols: stats.symbols, fromCache: stats.fromCache };
  await index.save();
  if (name === "incremental") {
    const target = pickTwoThousandLineFile(index);
    const original = fs.readFileSync(target);
    const times: number[] = [];
    try {
      for (let i = 0; i < 40; i++) {
        fs.writeFileSync(target, Buffer.concat([original, Buffer.from(`\n# edit ${i}\n`)]));
        const u = performance.now();
        const r = await index.update([target]);
        times.push(performance.now() - u);
        if (r.get(target) !== "changed") throw new Error(`update of ${target} was ${r.get(target)}`);
      }
    } finally {
      fs.writeFileSync(target, original);
    }
    times.sort((a, b) => a - b);
    out.file = `${path.relative(dir, target)} (${index.get(index.toWorkspacePath(target)!)?.lines} lines)`;
    out.p50 = times[Math.floor(times.length * 0.5)]!;
    out.p95 = times[Math.floor(times.length * 0.95)]!;
  }
  index.dispose();
  out.rssMB = process.resourceUsage().maxRSS / 1024;
  return out;
}

/** The indexed file whose length is closest to 2,000 lines. */
function pickTwoThousandLineFile(index: ReturnType<typeof createNodeIndex>): string {
  let best: { abs: string; d: number } | undefined;
  for (const f of index.files()) {
    if (f.lang === "text") continue;
    const d = Math.abs(f.lines - 2000);
    if (!best || d < best.d) best = { abs: f.absPath, d };
  }
  if (!best) throw new Error("no parsed file to edit");
  return best.abs;
}

function runPhase(name: string, dir: string, cacheDir: string): PhaseResult {
  const out = execFileSync(process.execPath, ["--import", "tsx", __filename, "--phase", name, dir, cacheDir], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out.trim().split("\n").pop()!) as PhaseResult;
}

/** Raw parsing split over `n` processes at once: the floor any parallel index could reach here. */
async function parallelRawParse(dir: string, n: number): Promise<number> {
  const runs = Array.from(
    { length: n },
    (_, k) =>
      new Promise<number>((resolve, reject) =>
        execFile(
          process.execPath,
          ["--import", "tsx", __filename, "--phase", "raw-parse", dir, "-", `${k}/${n}`],
          { encoding: "utf8", maxBuffer: 1 << 26 },
          (e, out) => (e ? reject(e) : resolve(Number(JSON.parse(out.trim().split("\n").pop()!).ms))),
        ),
      ),
  );
  return Math.max(...(await Promise.all(runs)));
}

const fmt = (n: number | string | undefined, digits = 0) => (typeof n === "number" ? n.toFixed(digits) : String(n));

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "--phase") {
    process.stdout.write(JSON.stringify(await phase(argv[1]!, argv[2]!, argv[3]!, argv[4])) + "\n");
    return;
  }
  const dirs = argv.length > 0 ? argv : (process.env.THREADLINE_BENCH_DIRS ?? "").split(":").filter(Boolean);
  if (dirs.length === 0) {
    console.error("usage: npm run bench:index -- <dir> [<dir> …]   (or THREADLINE_BENCH_DIRS=a:b)");
    process.exit(2);
  }
  console.log(
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  for (const dir of dirs) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-bench-"));
    try {
      const raw = runPhase("raw-parse", dir, cacheDir);
      const cores = os.availableParallelism();
      const rawParallel = await parallelRawParse(dir, cores);
      const cold = runPhase("cold", dir, cacheDir);
      const warm = runPhase("warm", dir, cacheDir);
      const inc = runPhase("incremental", dir, cacheDir);
      const ratio = Number(cold.ms) / Number(raw.ms);
      console.log(`\n${dir}: ${cold.files} files, ${cold.symbols} symbols`);
      console.log(`  raw parse, 1 thread     ${fmt(raw.ms)} ms  (${raw.files} files parsed, no extraction)`);
      console.log(`  tags query / parse      ${raw.overhead} (the query alone, per language with 50+ ms of parsing)`);
      console.log(`  raw parse, ${cores} processes  ${fmt(rawParallel)} ms  (the parallel floor on this machine)`);
      console.log(
        `  cold index              ${fmt(cold.ms)} ms  ratio to raw parse ${fmt(ratio, 2)} (to the parallel floor ${fmt(Number(cold.ms) / rawParallel, 2)})  peak RSS ${fmt(cold.rssMB)} MB`,
      );
      console.log(
        `  warm start (cache)      ${fmt(warm.ms)} ms  (${warm.fromCache} from cache)  peak RSS ${fmt(warm.rssMB)} MB`,
      );
      console.log(
        `  re-index one file       p50 ${fmt(inc.p50, 1)} ms  p95 ${fmt(inc.p95, 1)} ms  (${inc.file}, 40 edits)`,
      );
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
}

void main();
