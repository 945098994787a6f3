/**
 * `npm run bench:context [-- --budgets 4000,8000,16000 --limit N --repo sympy --data a.jsonl,b.jsonl --misses]`
 *
 * Builds Threadline's context for each instance of the dev sets (by default
 * ../shared/bench/swebench-lite-dev.jsonl and qa-dev.jsonl, each reported on
 * its own, overall and per repository) from the tree at its base commit,
 * and SWE-bench's sparse baseline (whole files ranked by BM25, added in rank
 * order while they fit) in the same run, and prints one table of the
 * measures defined in ../shared/bench/README.md.
 *
 * Source trees come from bare git mirrors (THREADLINE_MIRRORS, default
 * ../.mirror, one `<owner>+<name>/repo` each, as the workplace's fetch tool
 * brings them); they are unpacked under the system temp folder, never into the project.
 */
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Bm25Index } from "../src/core/context/bm25";
import { RankWeights, rankUnits } from "../src/core/context/rank";
import type { RetrievalIndex } from "../src/core/context/retrieval-index";
import type { TokenCounter } from "../src/core/context/token-counter";
import type { WorkspaceIndex } from "../src/core/index/workspace-index";
import type { HistoryIndex } from "../src/core/history/history-index";
import type { CommitStore } from "../src/core/history/commit-store";
import { openHistory } from "../src/core/history/open-history";
import {
  definitionShown,
  goldDefinitions,
  linesInContext,
  loadInstances,
  score,
  type Instance,
  type Scores,
  type SymbolRange,
} from "./swebench";
import { percentile } from "./stats";
import { materialize, mirrorOf, openTree, work } from "./trees";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const budgets = (flag("budgets") ?? "4000,8000,16000").split(",").map(Number);
/** The budget of the per-repository table and of `--misses`. */
const middleBudget = budgets[Math.floor(budgets.length / 2)]!;
const benchDir = path.resolve("..", "shared", "bench");
/** Both dev sets by default, each reported on its own: SWE-bench issues and conceptual questions. */
const dataFiles = (
  flag("data") ?? ["swebench-lite-dev.jsonl", "qa-dev.jsonl"].map((f) => path.join(benchDir, f)).join(",")
)
  .split(",")
  .filter(Boolean);
/**
 * `--misses`: where the gold functions that the context misses at the middle budget were lost, without
 * history and (unless `--history off`) with the first history system, ranked as that system ranks:
 * the rank of the unit that holds each, and whether its first line or its file was shown.
 * `--misses-list` names each one too, one line per missed function, to read the cases behind the counts.
 */
const listMisses = args.includes("--misses-list");
const withMisses = listMisses || args.includes("--misses");
/** `--history off` measures without the history signal only; by default both, in the same run. */
const withHistory = flag("history") !== "off";
/**
 * A tuning harness: `--history-variants name=history:historyFile[:commits:damp:sharp][:key@value…],…`
 * measures each setting of the history weights in the same run (the index and history are built once
 * per instance; only the ranking differs); a `key@value` field sets any other `RankWeights` key by
 * name. By default, the shipped weights as "threadline+history".
 */
const variants = (flag("history-variants") ?? "")
  .split(",")
  .filter(Boolean)
  .map((v) => {
    const [name, w] = v.split("=");
    // An empty field keeps the shipped weight (Number("") would be 0).
    const fields = w!.split(":");
    const [history, historyFile, historyCommits, historyDamp, historySharp] = fields
      .filter((x) => !x.includes("@"))
      .map((x) => (x === "" ? NaN : Number(x)));
    const extra = Object.fromEntries(
      fields
        .filter((x) => x.includes("@"))
        .map((x) => {
          const [key, value] = x.split("@");
          // A misspelt key would measure the shipped weights under another name.
          if (!(key! in RankWeights)) throw new Error(`--history-variants: no RankWeights key "${key}"`);
          return [key!, Number(value)];
        }),
    );
    const weights = { history, historyFile, historyCommits, historyDamp, historySharp, ...extra };
    return {
      name: `+${name}`,
      weights: Object.fromEntries(
        Object.entries(weights).filter((e): e is [string, number] => e[1] !== undefined && !Number.isNaN(e[1])),
      ),
    };
  });
if (variants.length === 0) variants.push({ name: "threadline+history", weights: {} as Record<string, number> });
const SYSTEMS = withHistory
  ? ["threadline", ...variants.map((v) => v.name), "bm25-files"]
  : ["threadline", "bm25-files"];
const shipped = { ...RankWeights };
const systemWidth = Math.max(19, ...SYSTEMS.map((x) => x.length));
/** Sets the history weights of one variant (bench only: the product never changes its weights). */
function useVariant(weights: Record<string, number>): void {
  Object.assign(RankWeights as Record<string, unknown>, shipped, weights);
}

interface Row {
  repo: string;
  system: string;
  budget: number;
  scores: Scores;
  tokens: number;
  ms: number;
}

/**
 * The history an instance may see: commits that are ancestors of its base
 * commit, read from the mirror exactly as `context --git-dir --git-rev` reads
 * them. Checked for leakage: no commit of the view may be reachable from the
 * mirror's refs without being reachable from the base commit (the instance's
 * own fix is among those), and the base commit itself must head the view's ancestry.
 */
async function historyFor(instance: Instance): Promise<{ index: HistoryIndex; ms: number } | { reason: string }> {
  const gitDir = mirrorOf(instance);
  // One store per repository for the whole run, as a host keeps it: instances of a repository
  // differ only in their revision, so each costs its view, not a reload of the file.
  const r = await openHistory(
    { gitDir, rev: instance.base_commit },
    {
      cacheFile: path.join(work, "history", instance.repo.replace("/", "+") + ".bin"),
      store: stores.get(instance.repo),
    },
  );
  if (!r.ok) return { reason: r.reason };
  stores.set(instance.repo, r.store);
  if (r.head !== instance.base_commit) throw new Error(`${instance.instance_id}: history resolved to ${r.head}`);
  const later = new Set(
    execSync(`git --git-dir=${JSON.stringify(gitDir)} rev-list --all --not ${instance.base_commit}`, {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    })
      .split("\n")
      .filter(Boolean),
  );
  const leaked = r.index.commits.filter((c) => later.has(c.id));
  if (leaked.length > 0)
    throw new Error(`${instance.instance_id}: ${leaked.length} commits after the base commit leaked into history`);
  leakChecks.push(later.size);
  return { index: r.index, ms: r.ms };
}
const leakChecks: number[] = [];
const stores = new Map<string, CommitStore>();

/** SWE-bench's sparse retrieval: plain lower-cased words, whole files, BM25, fill in rank order. */
function baseline(index: WorkspaceIndex, question: string, budget: number, counter: TokenCounter, bm: BaselineIndex) {
  const t = performance.now();
  const q = new Map<number, number>();
  for (const w of words(question)) {
    const id = bm.vocab.get(w);
    if (id !== undefined) q.set(id, (q.get(id) ?? 0) + 1);
  }
  let text = "";
  let tokens = 0;
  for (const hit of bm.index.search(q, 200)) {
    const file = bm.files[hit.doc]!;
    const lines = bm.lines.get(file)!;
    const block = `[start of ${file}]\n${lines.map((l, i) => `${i + 1} | ${l}`).join("\n")}\n[end of ${file}]\n`;
    const n = counter.count(block);
    if (tokens + n > budget) break;
    text += block;
    tokens += n;
  }
  void index;
  return { text, tokens: text ? counter.count(text) : 0, ms: performance.now() - t };
}

interface BaselineIndex {
  index: Bm25Index;
  files: string[];
  vocab: Map<string, number>;
  lines: Map<string, string[]>;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9_]+/g) ?? [];
}

function buildBaseline(lines: Map<string, string[]>): BaselineIndex {
  const vocab = new Map<string, number>();
  const files = [...lines.keys()];
  const counts = files.map((f) => {
    const c = new Map<number, number>();
    for (const w of words(lines.get(f)!.join("\n"))) {
      let id = vocab.get(w);
      if (id === undefined) vocab.set(w, (id = vocab.size));
      c.set(id, (c.get(id) ?? 0) + 1);
    }
    return c;
  });
  return { index: Bm25Index.fromCounts(counts), files, vocab, lines };
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

async function run(dataFile: string): Promise<void> {
  let instances = loadInstances(dataFile);
  const repoFilter = flag("repo");
  if (repoFilter) instances = instances.filter((i) => i.repo.includes(repoFilter));
  // `--instances a,b`: only these instance ids (to look into a few wins or losses).
  const only = flag("instances")?.split(",");
  if (only) instances = instances.filter((i) => only.includes(i.instance_id));
  const limit = Number(flag("limit") ?? instances.length);
  instances = instances
    .slice(0, limit)
    .sort((a, b) => a.repo.localeCompare(b.repo) || a.base_commit.localeCompare(b.base_commit));
  fs.mkdirSync(work, { recursive: true });
  const rows: Row[] = [];
  const skipped = new Set<string>();
  const prepareMs: number[] = [];
  const historyMs: number[] = [];
  for (const [n, instance] of instances.entries()) {
    const dir = materialize(instance);
    if (!dir) {
      skipped.add(instance.repo);
      continue;
    }
    const { index, engine, prepareMs: ms } = await openTree(dir);
    prepareMs.push(ms);
    const retrieval = engine.retrievalIndex!;
    const counter = engine.counter("o200k_base");
    const bm = buildBaseline(retrieval.lines);
    const fileLines = (f: string) => retrieval.lines.get(f);
    const history = withHistory ? await historyFor(instance) : undefined;
    if (history && "ms" in history) historyMs.push(history.ms);
    if (history && "reason" in history)
      process.stderr.write(`${instance.instance_id}: no history (${history.reason})\n`);
    const symbolsOf = (f: string) =>
      index.get(f)?.symbols.map((s) => ({ name: s.qualifiedName, kind: s.kind, start: s.start, end: s.end }));
    let shownAtMissesBudget: Map<string, Set<number>> | undefined;
    let shownWithHistory: Map<string, Set<number>> | undefined;
    for (const budget of budgets) {
      const t = performance.now();
      const pack = engine.build(instance.problem_statement, { budget });
      const ms = performance.now() - t;
      if (pack.tokens > budget) throw new Error(`${instance.instance_id}: ${pack.tokens} tokens > budget ${budget}`);
      const shown = linesInContext(pack.text, fileLines);
      if (budget === middleBudget) shownAtMissesBudget = shown;
      rows.push({
        repo: instance.repo,
        system: "threadline",
        budget,
        scores: score(instance, shown, symbolsOf),
        tokens: pack.tokens,
        ms,
      });
      if (history && "index" in history)
        for (const variant of variants) {
          useVariant(variant.weights);
          const th = performance.now();
          const hp = engine.build(instance.problem_statement, { budget, history: history.index });
          const hms = performance.now() - th;
          useVariant({});
          if (hp.tokens > budget) throw new Error(`${instance.instance_id}: ${hp.tokens} tokens > budget ${budget}`);
          const shownHere = linesInContext(hp.text, fileLines);
          if (budget === middleBudget && variant === variants[0]) shownWithHistory = shownHere;
          rows.push({
            repo: instance.repo,
            system: variant.name,
            budget,
            scores: score(instance, shownHere, symbolsOf),
            tokens: hp.tokens,
            ms: hms,
          });
        }
      const b = baseline(index, instance.problem_statement, budget, counter, bm);
      rows.push({
        repo: instance.repo,
        system: "bm25-files",
        budget,
        scores: score(instance, linesInContext(b.text, fileLines), symbolsOf),
        tokens: b.tokens,
        ms: b.ms,
      });
    }
    // The middle budget's packages, already built above.
    if (withMisses) misses.push(...missedFunctions(instance, retrieval, shownAtMissesBudget!, symbolsOf));
    if (withMisses && shownWithHistory && history && "index" in history) {
      useVariant(variants[0]!.weights);
      historyMisses.push(...missedFunctions(instance, retrieval, shownWithHistory, symbolsOf, history.index));
      useVariant({});
    }
    for (const system of SYSTEMS.slice(0, -1)) {
      const last = rows.filter((r) => r.system === system && r.repo === instance.repo).slice(-budgets.length);
      process.stderr.write(
        `[${n + 1}/${instances.length}] ${instance.instance_id} ${system}: ` +
          last
            .map(
              (r) =>
                `${r.budget}: file ${r.scores.fileRecall} fn ${r.scores.functionRecall?.toFixed(2) ?? "-"} line ${r.scores.lineRecall?.toFixed(2) ?? "-"}`,
            )
            .join(" | ") +
          "\n",
      );
    }
    engine.dispose();
    index.dispose();
  }
  const name = path.basename(dataFile, ".jsonl");
  console.log(
    `\n${name}: ${rows.filter((r) => r.system === "threadline").length / budgets.length} instances measured${skipped.size ? `; skipped (no mirror): ${[...skipped].join(", ")}` : ""}`,
  );
  console.log(
    `retrieval index build per tree: p50 ${percentile(prepareMs, 0.5).toFixed(0)} ms, p95 ${percentile(prepareMs, 0.95).toFixed(0)} ms`,
  );
  if (historyMs.length > 0)
    console.log(
      `history view per instance (list, read what is new, build): p50 ${percentile(historyMs, 0.5).toFixed(0)} ms, p95 ${percentile(historyMs, 0.95).toFixed(0)} ms; ` +
        `leak check passed on ${leakChecks.length} instances (${Math.round(mean(leakChecks))} later commits excluded on average)`,
    );
  table(rows, budgets, (r) => String(r.budget), "budget");
  if (withHistory) for (const v of variants) winsAndLosses(rows, v.name, budgets);
  // Per repository, at the middle budget.
  console.log(`\n${name} by repository at ${middleBudget}:`);
  table(
    rows.filter((r) => r.budget === middleBudget),
    [...new Set(rows.map((r) => r.repo))].sort(),
    (r) => r.repo,
    "repository",
  );
  if (withMisses) printMisses(misses.splice(0), middleBudget);
  if (withMisses && withHistory) printMisses(historyMisses.splice(0), middleBudget, variants[0]!.name);
  goldFunctions = 0;
  const unresolved = rows
    .filter((r) => r.system === "threadline" && r.budget === budgets[0])
    .reduce((a, r) => a + r.scores.unresolvedFunctions, 0);
  if (unresolved) console.log(`(${unresolved} gold functions were not found by name in the index and count as missed)`);
}

/** The mean as a percentage, or "-" where no instance has the measure (no gold lines, say). */
const percent = (xs: (number | undefined)[]) => {
  const defined = xs.filter((x): x is number => x !== undefined);
  return defined.length > 0 ? `${(100 * mean(defined)).toFixed(1)}%` : "-";
};

/** One line per (group, system): file-all, file-any, function and line recall, tokens, latency. */
function table(rows: Row[], groups: readonly (string | number)[], groupOf: (r: Row) => string, label: string): void {
  const width = Math.max(label.length, ...groups.map((g) => String(g).length)) + 1;
  console.log(
    `${label.padEnd(width)} ${"system".padEnd(systemWidth)} file-all  file-any  function     line  mean tokens  p50 ms  p95 ms`,
  );
  for (const group of groups) {
    for (const system of SYSTEMS) {
      const rs = rows.filter((r) => groupOf(r) === String(group) && r.system === system);
      if (rs.length === 0) continue;
      console.log(
        [
          String(group).padEnd(width - 1),
          system.padEnd(systemWidth),
          percent(rs.map((r) => r.scores.fileRecall)).padStart(8),
          percent(rs.map((r) => r.scores.fileAny)).padStart(9),
          percent(rs.map((r) => r.scores.functionRecall)).padStart(9),
          percent(rs.map((r) => r.scores.lineRecall)).padStart(8),
          mean(rs.map((r) => r.tokens))
            .toFixed(0)
            .padStart(12),
          percentile(
            rs.map((r) => r.ms),
            0.5,
          )
            .toFixed(0)
            .padStart(7),
          percentile(
            rs.map((r) => r.ms),
            0.95,
          )
            .toFixed(0)
            .padStart(7),
        ].join(" "),
      );
    }
  }
}

/** Per instance, at each budget: how many gain or lose a gold function (or file-all) with history. */
function winsAndLosses(rows: Row[], system: string, budgets: number[]): void {
  for (const budget of budgets) {
    const plain = rows.filter((r) => r.system === "threadline" && r.budget === budget);
    const hist = rows.filter((r) => r.system === system && r.budget === budget);
    if (plain.length !== hist.length) continue;
    let fnWin = 0;
    let fnLoss = 0;
    let fileWin = 0;
    let fileLoss = 0;
    plain.forEach((p, i) => {
      const h = hist[i]!;
      const a = p.scores.functionRecall ?? 0;
      const b = h.scores.functionRecall ?? 0;
      if (b > a) fnWin++;
      if (b < a) fnLoss++;
      if (h.scores.fileRecall > p.scores.fileRecall) fileWin++;
      if (h.scores.fileRecall < p.scores.fileRecall) fileLoss++;
    });
    console.log(
      `${system} at ${budget}: function recall up on ${fnWin}, down on ${fnLoss} instances; file-all up on ${fileWin}, down on ${fileLoss}`,
    );
  }
}

interface Miss {
  instance: string;
  /** `file:qualified name`, and how many lines the definition spans. */
  where: string;
  lines: number;
  /** 0-based position of its unit in the ranking; -1 when it is not ranked at all, -2 when no unit holds it. */
  rank: number;
  fate: "first line shown, a required line inside missing" | "not shown, its file shown" | "its file not shown";
  /** Whether a line inside it besides the first is required: its signature alone would not count. */
  needsBody: boolean;
}
const misses: Miss[] = [];
/** The same for the first history system, ranked with its history. */
const historyMisses: Miss[] = [];
/** Gold functions of the instances measured, the denominator of both lists. */
let goldFunctions = 0;

/** The gold functions an instance's context misses, by the bench's own rule (`definitionShown`). */
function missedFunctions(
  instance: Instance,
  retrieval: RetrievalIndex,
  shown: Map<string, Set<number>>,
  symbolsOf: (file: string) => SymbolRange[] | undefined,
  history?: HistoryIndex,
): Miss[] {
  const gold = goldDefinitions(instance, symbolsOf);
  if (!history) goldFunctions += gold.length;
  const ranked = rankUnits(retrieval, instance.problem_statement, undefined, true, history);
  const position = new Map(ranked.map((r, i) => [r.unit, i]));
  return gold
    .filter((g) => !definitionShown(g, shown))
    .map((g) => {
      const seen = shown.get(g.file) ?? new Set<number>();
      const unit = retrieval.unitAt(g.file, g.start);
      return {
        instance: instance.instance_id,
        where: `${g.file}:${g.name}`,
        lines: g.end - g.start + 1,
        needsBody: g.required.some((l) => l !== g.start),
        rank: unit === undefined ? -2 : (position.get(unit) ?? -1),
        fate: seen.has(g.start)
          ? "first line shown, a required line inside missing"
          : seen.size > 0
            ? "not shown, its file shown"
            : "its file not shown",
      };
    });
}

function printMisses(list: Miss[], budget: number, system?: string): void {
  const buckets: [string, (r: number) => boolean][] = [
    ["ranked 1-25", (r) => r >= 0 && r < 25],
    ["ranked 26-50", (r) => r >= 25 && r < 50],
    ["ranked 51-100", (r) => r >= 50 && r < 100],
    ["ranked 101-400", (r) => r >= 100 && r < 400],
    ["ranked below 400", (r) => r >= 400],
    ["not ranked", (r) => r === -1],
    ["no unit holds it", (r) => r === -2],
  ];
  const fates: Miss["fate"][] = [
    "first line shown, a required line inside missing",
    "not shown, its file shown",
    "its file not shown",
  ];
  console.log(
    `\nmissed gold functions at ${budget} (${system ? `${system}, with history` : "without history"}): ${list.length} of ${goldFunctions}`,
  );
  if (listMisses)
    for (const m of list)
      console.log(
        `  ${m.instance} ${m.where} (${m.lines} lines${m.needsBody ? "" : ", first line only needed"}): ` +
          `${m.rank >= 0 ? `ranked ${m.rank + 1}` : m.rank === -1 ? "not ranked" : "no unit holds it"}; ${m.fate}`,
      );
  // Columns: its first line shown but a required line inside missing; not shown though its file is; file not shown.
  console.log(
    `${"".padEnd(18)}${["first line only", "file shown", "file not shown"].map((f) => f.padStart(20)).join("")}   total`,
  );
  for (const [label, test] of buckets) {
    const inBucket = list.filter((m) => test(m.rank));
    console.log(
      `${label.padEnd(18)}${fates.map((f) => String(inBucket.filter((m) => m.fate === f).length).padStart(20)).join("")}${String(inBucket.length).padStart(8)}`,
    );
  }
  // A miss that needs no line inside cannot have its first line shown: it would count.
  const signatureOnly = list.filter((m) => !m.needsBody);
  console.log(`of these, ${signatureOnly.length} need only their first line (no required line inside)`);
}

async function main() {
  for (const dataFile of dataFiles) await run(dataFile);
}

void main();
