/**
 * `npm run bench:edit [-- <dir> …] [--edits 20] [--synthetic 100000]`
 *
 * What a user editing all day feels: per tree, in fresh processes so figures
 * do not leak into one another,
 *   - the cold index, with its ratio to a raw single-threaded parse;
 *   - warm questions, then the first question after each of N one-file edits
 *     of different files, in two processes: synced when the edit is saved, as
 *     the hosts do, and with the sync inside the question (other files);
 *     p50/p95 of its time, and of its ratio to the same question asked warm
 *     (questions differ in cost, so a slow question after an edit is compared
 *     with itself, not with the median of all), both before the edits and
 *     again right after each (the same load on a shared machine);
 *   - the first question after a warm start (persisted index and retrieval
 *     index), with its ratio to the same question asked warm in that process;
 *     as in the hosts, the token counter loads on its worker beside the index;
 *   - peak RSS of index plus retrieval;
 * and a synthetic tree of many small files, indexed cold (time per 1k files, peak RSS).
 *
 * With no directories, sympy and babel/babel are exported at HEAD from the
 * mirrors (THREADLINE_MIRRORS, default ../.mirror) into the system temp folder.
 * The machine is shared: compare the ratios, which are measured within one run.
 */
import { execFileSync, execSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ContextEngine } from "../src/core/context/context-engine";
import { retrievalCacheFile } from "../src/core/context/retrieval-cache";
import { createNodeIndex } from "../src/core/index/node/create";
import { median, percentile } from "./stats";

type Result = Record<string, number | string>;

const QUESTIONS = [
  "Where is the error message for an invalid argument raised, and how is it formatted?",
  "How does the printer decide how to print a negative exponent?",
  "How are plugin options validated before the transform runs?",
];

function engineFor(dir: string, cacheDir: string) {
  const index = createNodeIndex([{ name: path.basename(dir), path: dir }], {
    cacheDir,
    assetsDir: path.resolve("dist"),
  });
  const engine = new ContextEngine(index, { cacheFile: retrievalCacheFile(cacheDir, [dir]), log: console.error });
  // As the hosts do: a warm start's token encoder loads on a worker beside the index.
  engine.preload({ script: path.resolve("dist", "token-worker.js") });
  return { index, engine };
}

function timeQuestion(engine: ContextEngine, q: string): number {
  const t = performance.now();
  engine.build(q, { budget: 8000 });
  return performance.now() - t;
}

/**
 * Each question's warm time: one round that loads the token counter and warms
 * the JIT is not counted, then the median of `rounds` rounds per question.
 */
function warmTimes(engine: ContextEngine, rounds = 5): number[] {
  for (const q of QUESTIONS) timeQuestion(engine, q);
  const times = QUESTIONS.map(() => [] as number[]);
  for (let i = 1; i <= rounds; i++)
    QUESTIONS.forEach((q, k) => times[k]!.push(timeQuestion(engine, q + " ".repeat(i))));
  return times.map(median);
}

async function phase(name: string, dir: string, cacheDir: string, edits: number): Promise<Result> {
  if (name === "cold") {
    const { index, engine } = engineFor(dir, cacheDir);
    const t = performance.now();
    const stats = await index.build();
    const ms = performance.now() - t;
    await index.save();
    const r = performance.now();
    engine.prepare();
    const retrievalMs = performance.now() - r;
    await engine.save();
    return { ms, files: stats.files, retrievalMs, rssMB: process.resourceUsage().maxRSS / 1024 };
  }
  if (name === "warm-start" || name === "warm-start-prewarm") {
    const { index, engine } = engineFor(dir, cacheDir);
    const t = performance.now();
    await index.build();
    const indexMs = performance.now() - t;
    // The editor and the MCP server warm up as soon as the index is loaded, before any question.
    const prewarm = name === "warm-start-prewarm" ? (engine.warmUp()?.ms ?? 0) : 0;
    const first = timeQuestion(engine, QUESTIONS[0]!);
    const restored = engine.counts.restores;
    const warm = warmTimes(engine)[0]!;
    return { indexMs, prewarm, first, warm, restored, rssMB: process.resourceUsage().maxRSS / 1024 };
  }
  // edits-on-save, edits-in-question
  const { index, engine } = engineFor(dir, cacheDir);
  await index.build();
  engine.prepare();
  const warmByQuestion = warmTimes(engine);
  const code = [...index.files()]
    .filter((f) => f.lang !== "text" && f.symbols.length >= 3)
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  // One pass of `edits` edits of different files, each pass in its own process: peak memory grows
  // with the questions asked until V8 collects. Synced on save, as the hosts do (`warmUp`), or with
  // the sync inside the question; the revert is synced untimed, so each question follows one edit.
  const onSave = name === "edits-on-save";
  const offset = onSave ? 0.25 : 0.75;
  const after: number[] = [];
  const ratios: number[] = [];
  const paired: number[] = [];
  const syncs: number[] = [];
  for (let i = 0; i < edits; i++) {
    const f = code[Math.floor(((i + offset) * code.length) / edits)]!;
    const q = QUESTIONS[i % QUESTIONS.length]!;
    const original = fs.readFileSync(f.absPath);
    const comment = f.lang === "python" ? "#" : "//";
    try {
      fs.writeFileSync(f.absPath, Buffer.concat([original, Buffer.from(`\n${comment} edited ${i}\n`)]));
      await index.update([f.absPath]);
      if (onSave) syncs.push(engine.warmUp()?.ms ?? 0);
      const t = performance.now();
      if (!onSave) syncs.push(engine.prepare());
      engine.build(q, { budget: 8000 });
      after.push(performance.now() - t);
      ratios.push(after[i]! / warmByQuestion[i % QUESTIONS.length]!);
      // The same question asked again at once: warm, and under the same load as the one after the edit.
      paired.push(after[i]! / timeQuestion(engine, q + "  "));
    } finally {
      fs.writeFileSync(f.absPath, original);
      await index.update([f.absPath]);
      engine.prepare();
    }
  }
  return {
    warm: median(warmByQuestion),
    ratiop50: percentile(ratios, 0.5),
    ratiop95: percentile(ratios, 0.95),
    pairedp50: percentile(paired, 0.5),
    pairedp95: percentile(paired, 0.95),
    p50: percentile(after, 0.5),
    p95: percentile(after, 0.95),
    syncp95: percentile(syncs, 0.95),
    builds: engine.counts.builds + engine.counts.restores,
    syncs: engine.counts.syncs,
    rssMB: process.resourceUsage().maxRSS / 1024,
  };
}

function run(args: string[]): Result {
  const out = execFileSync(process.execPath, ["--import", "tsx", ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  return JSON.parse(out.trim().split("\n").pop()!) as Result;
}

function materialize(repo: string): string | undefined {
  const mirrors = process.env.THREADLINE_MIRRORS ?? path.resolve("..", ".mirror");
  const gitDir = path.join(mirrors, repo.replace("/", "+"), "repo");
  if (!fs.existsSync(gitDir)) {
    console.log(`${repo}: no mirror at ${gitDir}; skipped`);
    return undefined;
  }
  const head = execSync(`git --git-dir=${JSON.stringify(gitDir)} rev-parse HEAD`, { encoding: "utf8" }).trim();
  const dir = path.join(os.tmpdir(), "threadline-bench", "edit", repo.replace("/", "+"));
  const stamp = dir + ".commit";
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === head) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  execSync(`git --git-dir=${JSON.stringify(gitDir)} archive ${head} | tar -x -C ${JSON.stringify(dir)}`, {
    stdio: ["ignore", "ignore", "ignore"],
  });
  fs.writeFileSync(stamp, head);
  return dir;
}

/** Many small Python and TypeScript files that call one another, in nested folders. */
function synthetic(n: number): string {
  const dir = path.join(os.tmpdir(), "threadline-bench", "synthetic", String(n));
  if (fs.existsSync(path.join(dir, ".done"))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `pkg${i % 50}`, `mod${Math.floor(i / 50) % 40}`);
    fs.mkdirSync(sub, { recursive: true });
    const callee = `handler_${(i * 7919) % n}`;
    if (i % 2 === 0)
      fs.writeFileSync(
        path.join(sub, `file${i}.py`),
        `class Service${i}:\n    def handler_${i}(self, request):\n        """Handle request ${i}."""\n        return ${callee}(request) + ${i}\n\n\ndef helper_${i}(x):\n    return x * ${i}\n`,
      );
    else
      fs.writeFileSync(
        path.join(sub, `file${i}.ts`),
        `export function handler_${i}(request: number): number {\n  return ${callee}(request) + ${i};\n}\n\nexport class Store${i} {\n  get(key: string): string {\n    return key + "${i}";\n  }\n}\n`,
      );
  }
  fs.writeFileSync(path.join(dir, ".done"), "");
  return dir;
}

const f0 = (n: number | string | undefined, digits = 0) => (typeof n === "number" ? n.toFixed(digits) : String(n));

async function main() {
  const argv = process.argv.slice(2);
  if (argv[0] === "--phase") {
    const r = await phase(argv[1]!, argv[2]!, argv[3]!, Number(argv[4] ?? 20));
    process.stdout.write(JSON.stringify(r) + "\n");
    process.exit(0);
  }
  if (argv[0] === "--synthetic-phase") {
    const index = createNodeIndex([{ name: "synthetic", path: argv[1]! }], { assetsDir: path.resolve("dist") });
    const t = performance.now();
    const stats = await index.build();
    const ms = performance.now() - t;
    process.stdout.write(
      JSON.stringify({ ms, files: stats.files, rssMB: process.resourceUsage().maxRSS / 1024 }) + "\n",
    );
    process.exit(0);
  }
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv.splice(i, 2)[1] : undefined;
  };
  const edits = Number(flag("edits") ?? 20);
  const syntheticFiles = Number(flag("synthetic") ?? 100_000);
  const dirs = argv.length > 0 ? argv : ["sympy/sympy", "babel/babel"].map(materialize).filter((d) => d !== undefined);
  console.log(
    `machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  for (const dir of dirs) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-edit-bench-"));
    try {
      const raw = run(["bench/index-bench.ts", "--phase", "raw-parse", dir, "-"]);
      const cold = run([__filename, "--phase", "cold", dir, cacheDir]);
      const ed = run([__filename, "--phase", "edits-on-save", dir, cacheDir, String(edits)]);
      const eq = run([__filename, "--phase", "edits-in-question", dir, cacheDir, String(edits)]);
      const ws = run([__filename, "--phase", "warm-start", dir, cacheDir]);
      const wp = run([__filename, "--phase", "warm-start-prewarm", dir, cacheDir]);
      console.log(`\n${dir}: ${cold.files} files`);
      console.log(
        `  cold index                ${f0(cold.ms)} ms  ratio to raw parse ${f0(Number(cold.ms) / Number(raw.ms), 2)} (raw ${f0(raw.ms)} ms)  retrieval build ${f0(cold.retrievalMs)} ms  peak RSS ${f0(cold.rssMB)} MB`,
      );
      console.log(`  warm question             ${f0(ed.warm, 1)} ms (median over the questions' medians)`);
      console.log(
        `  first question after edit, synced on save as the hosts do: p50 ${f0(ed.p50, 1)} ms  p95 ${f0(ed.p95, 1)} ms; ratio to the same question warm p50 ${f0(ed.ratiop50, 2)} p95 ${f0(ed.ratiop95, 2)}; to the same question asked again at once p50 ${f0(ed.pairedp50, 2)} p95 ${f0(ed.pairedp95, 2)}; p95 over the median warm question ${f0(Number(ed.p95) / Number(ed.warm), 2)}  (sync on save p95 ${f0(ed.syncp95, 1)} ms; ${edits} edits of different files; ${ed.builds} build, ${ed.syncs} syncs)  peak RSS ${f0(ed.rssMB)} MB`,
      );
      console.log(
        `  … with the sync inside the question: p50 ${f0(eq.p50, 1)} ms  p95 ${f0(eq.p95, 1)} ms; ratio to the same question warm p50 ${f0(eq.ratiop50, 2)} p95 ${f0(eq.ratiop95, 2)}; to the same question asked again at once p50 ${f0(eq.pairedp50, 2)} p95 ${f0(eq.pairedp95, 2)}  (sync p95 ${f0(eq.syncp95, 1)} ms; ${edits} other files)  peak RSS ${f0(eq.rssMB)} MB`,
      );
      console.log(
        `  first question after warm start ${f0(ws.first)} ms  ratio to the same question warm ${f0(Number(ws.first) / Number(ws.warm), 2)} (warm ${f0(ws.warm, 1)} ms; index load ${f0(ws.indexMs)} ms; restored: ${ws.restored === 1 ? "yes" : "no"})  peak RSS ${f0(ws.rssMB)} MB`,
      );
      console.log(
        `  … after the hosts' warm-up ${f0(wp.first)} ms  ratio to the same question warm ${f0(Number(wp.first) / Number(wp.warm), 2)} (the warm-up itself, run when the index is loaded: ${f0(wp.prewarm)} ms)`,
      );
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  if (syntheticFiles > 0) {
    const dir = synthetic(syntheticFiles);
    const s = run([__filename, "--synthetic-phase", dir]);
    console.log(
      `\nsynthetic ${syntheticFiles} files: cold index ${f0(Number(s.ms) / 1000, 1)} s, ${f0((Number(s.ms) / Number(s.files)) * 1000)} ms per 1k files, peak RSS ${f0(s.rssMB)} MB (${s.files} indexed)`,
    );
  }
}

void main();
