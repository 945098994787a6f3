import type { WorkspacePath } from "../index/types";
import { abbreviationsOf } from "./abbreviations";
import { personalizedPageRank } from "./pagerank";
import { expandQuery, FeedbackWeights } from "./feedback";
import { asksForChange, parseQuestion, proseOf } from "./question";
import type { RetrievalIndex } from "./retrieval-index";
import { tokenize } from "./tokenize";
import { simpleName } from "./units";
import type { EditorFocus, HistoryLookup, Reason } from "./types";

/**
 * How much each signal counts. Lexical scores are normalised to the best hit
 * (0..1) before weighting, so the weights compare like with like.
 */
export const RankWeights = {
  /** BM25 of the unit's own text, path and name. */
  bm25: 1.0,
  /** BM25 of the whole file, shared by its units: files about the question lift their parts. */
  file: 1.0,
  /** BM25 of the whole enclosing class, shared by its methods. */
  class: 0.6,
  /**
   * The file and class priors are scaled by the unit's own evidence (everything but the priors)
   * up to this much, a lexical match half as strong as the best: a unit that its own words barely
   * match borrows less of its file's and class's weight. Unscaled, a class the question is about
   * lifts all its small getters above better-matched code elsewhere: on a flask QA question about
   * session handling, SessionInterface's cookie getters scored 3.1 against 1.4-1.7 for the Flask
   * methods that match it; scaled, 1.3-1.9, among them rather than above. At 8k without history,
   * QA dev 78.2 / 63.3 / 61.0 against 76.9 / 61.7 / 59.1, SWE-bench dev 85.2 / 53.9 / 53.5
   * against 86.1 / 51.9 / 51.2 (file-all / function / line).
   */
  priorEvidence: 0.5,
  /** The question names the unit's symbol; scaled down when many units share the name. */
  identifier: 1.2,
  /** The question uses most of the words of the unit's name (see `addNameSignal`). */
  name: 0.5,
  /** The question calls a class (`Intersection({1}, {x})`), so runs its constructor. */
  instantiation: 0.6,
  /** The question names the unit's file. */
  path: 0.4,
  /** A `file:line` mention or traceback frame falls inside the unit. */
  line: 2.0,
  /** The unit contains an error message or quoted string from the question, verbatim. */
  phrase: 1.0,
  editorSelection: 2.0,
  editorActive: 0.4,
  editorOpen: 0.15,
  /**
   * Multiplies the score of the methods of a class that ranks among the best CLASS_LIFT_TOP units:
   * the class's own unit (header, docstring, class-level lines) is what matches a question's
   * words, but what it asks about is usually done in the methods.
   */
  classMethods: 2,
  /** Personalized PageRank over the reference graph, seeded by everything above. */
  graph: 0.6,
  /** The repository's most referenced units, for questions too vague to match much. */
  central: 0.2,
  /**
   * Multiplies the score of test code unless the question is about tests: tests repeat the
   * names a question uses, so they outscore the code that needs explaining or changing.
   */
  testFile: 0.5,
  /**
   * `testFile` when the question asks for an edit (`asksForChange`): a report's words are the words
   * its regression tests already repeat, test code took about 9 % of the tokens sent for SWE-bench
   * dev issues at 8k, and the fix goes into the code, not into the tests that describe it.
   * SWE-bench dev, function / line: at 4k 50.3 / 50.0 → 51.3 / 50.9 without history and 51.5 /
   * 51.4 → 52.4 / 52.3 with it; at 8k with history 58.7 / 59.7 → 59.2 / 60.1 (unchanged without);
   * at 16k with history function 65.5 → 66.5 (unchanged without); no issue lost, file-all
   * unchanged. QA dev unchanged: none of its questions asks for an edit.
   */
  testFileForEdit: 0.25,
  /**
   * Multiplies the score of code a tool wrote (its first lines say `DO NOT EDIT` or `@generated`)
   * unless the question names the file: protocol bindings and parsers are asked about, but they
   * repeat names and words by the thousand, and the behaviour is usually decided elsewhere.
   */
  generated: 0.5,
  /**
   * Multiplies the score of prose and configuration (Markdown, reStructuredText, YAML, changelogs,
   * templates, CI files) unless the question asks about them: they repeat a question's words
   * ("hooks", "dispatch") without being the code that does it.
   */
  prose: 0.35,
  /**
   * Past commits whose message and changed identifiers match the question credit the
   * definitions they changed (shared by how many they changed, damped by how often each
   * is changed at all): issues that describe behaviour without naming code still have
   * commits that did. Since one file's full spans are capped at half the budget, history can lift
   * more without one file taking the package: at 8k (with historyDamp 0.5, before unit BM25's
   * b = 1), 0.75 and 0.3 against 0.5 and 0.2 give SWE-bench dev 86.1 / 51.9 / 53.1 against
   * 86.1 / 51.5 / 52.3 and QA dev 75.6 / 58.6 / 58.0 against 75.0 / 58.0 / 58.4 (file-all /
   * function / line); 1.0 and 0.4 lose on both.
   */
  history: 0.75,
  /**
   * The same commits' files, shared by how many files each touched (and damped alike): a file prior.
   * 0.4 with historyDamp 0.7 (below). With 0.7, 0.3 gave SWE-bench dev 8k function 56.3 against
   * 56.8, and 0.5 gained nothing on QA dev 8k (82.1 / 65.2 / 64.1 against 81.4 / 65.6 / 64.3).
   */
  historyFile: 0.4,
  /**
   * Multiplies `history` and `historyFile` when the question does not ask for an edit. Commit
   * messages say what was changed and fixed; a question about how code works matches the commits
   * that touched its words in passing as well as the code that does it, and its answer is in the
   * code as it is. QA dev at 8k with history (and the names' abbreviations): 81.4 / 67.1 / 64.3 →
   * 81.4 / 67.1 / 65.1 (file-all / function / line). SWE-bench reports ask for edits and keep the
   * full weights.
   */
  historyForQuestion: 0.5,
  /** Commits searched per question. */
  historyCommits: 100,
  /**
   * A definition's credit is divided by (commits that touched it at all)^historyDamp: a
   * definition changed by many commits collects credit from many loosely similar ones. 0.7 and
   * historyFile 0.4 against 0.5 and 0.3, with history (file-all / function / line): SWE-bench dev
   * 4k 84.3 / 49.5 / 49.7 against 84.3 / 48.1 / 48.4, 8k 86.1 / 56.8 / 56.7 against 86.1 / 54.9 /
   * 56.0, 16k 89.8 / 64.6 / 64.2 against 89.8 / 62.6 / 63.3; QA dev 8k 81.4 / 65.6 / 64.3 against
   * 81.4 / 65.3 / 64.4, 4k 71.2 / 55.4 / 54.0 against 72.4 / 55.2 / 54.3, 16k 86.5 / 73.9 / 70.0
   * against 87.2 / 73.1 / 69.7. 0.3 lost on SWE-bench (8k function 53.9 against 55.8, before
   * b = 1); 0.7 with historyFile 0.3 gained less.
   */
  historyDamp: 0.7,
  /** A commit's similarity (0..1 of the best) is raised to this power: the best commits count most. */
  historySharp: 1,
} as const;

const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|specs)\/|(^|\/)(test_[^/]*|[^/]*_test\.\w+|[^/]*\.(test|spec)\.[jt]sx?|conftest\.py)$/;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/**
 * A question is about tests when it names a test file or a test function, or speaks of one in
 * words: "unit test", "test suite", "the test class that…", "the test method for…", "a regression
 * test". "test" alone is not enough: "a test should be skipped" is about the code that runs tests.
 */
function aboutTests(question: string): boolean {
  return ABOUT_TESTS.test(question);
}

const ABOUT_TESTS = new RegExp(
  [
    String.raw`\btest_\w+|\w+_test\b|\btests?\/`,
    String.raw`\b(?:unit|regression) ?tests?\b`,
    String.raw`\btest(?:s|ing)? (?:suites?|cases?|files?|class(?:es)?|functions?|methods?|mixins?|modules?|helpers?|fixtures?|design|that|which|for)\b`,
  ].join("|"),
  "i",
);

const PROSE_EXTENSION = /\.(md|mdx|rst|txt|adoc|ya?ml|toml|cfg|ini|json|jsonc|lock|html?|jinja2?|j2|svg|csv)$/i;
const PROSE_FOLDER = /(^|\/)(\.github|\.circleci|\.gitlab)\//;
/** By convention upper-case, so `history.py` or `news.py` (code) are not matched. */
const PROSE_NAME =
  /(^|\/)(CHANGES|CHANGELOG|HISTORY|NEWS|CONTRIBUTING|AUTHORS|LICEN[CS]E|CODE_OF_CONDUCT)(\.[A-Za-z]+)?$/;

/** Documentation, configuration, changelogs, templates: text that is not code. */
export function isProsePath(path: string): boolean {
  return PROSE_EXTENSION.test(path) || PROSE_FOLDER.test(path) || PROSE_NAME.test(path);
}

/** Prose scoring under this share of the best unit is left out, unless the question asks for prose. */
const PROSE_MIN_SHARE = 0.5;

/** A question about docs, configuration, the changelog, CI or a template lifts prose back up. */
const ABOUT_PROSE =
  /\b(docs?|documentation|documented|readme|changelog|changes file|release notes?|history|configur\w*|config|settings?|yaml|toml|json|ini|pre-commit|ci|workflows?|github actions?|template|markdown|rst|license|contribut\w*)\b/i;

/** Classes among this many best units lift their methods (`RankWeights.classMethods`). */
const CLASS_LIFT_TOP = 3;

/** Below this many candidates a question is too vague, and central units fill in. */
const MIN_CANDIDATES = 30;

/** BM25 hits kept, for units and for whole files. */
const BM25_UNITS = 2000;
const BM25_FILES = 200;
const BM25_CLASSES = 300;
/** How many units seed the graph walk; the long tail of weak BM25 hits would only add noise. */
const GRAPH_SEEDS = 60;
/** A phrase found in more units than this is boilerplate, not the place the message comes from. */
const MAX_PHRASE_UNITS = 5;
/** Constructor method names, by language: Python's two, JavaScript/TypeScript's one. */
const CONSTRUCTORS = ["__new__", "__init__", "constructor"];
/** A class name with more constructors than this (a common name in many modules) says little. */
const MAX_CONSTRUCTOR_DEFS = 6;
/** A name defined in more places than this is too generic to match a question's identifier. */
const MAX_IDENTIFIER_DEFS = 40;

/**
 * Each unit's score so far and the reasons that make it up. A class, not a
 * closure made per question: signals get it as an argument, and a call
 * through a fresh closure each question deoptimized ranking at every question.
 */
class Evidence {
  readonly byUnit = new Map<number, { score: number; reasons: Reason[] }>();

  add(unit: number, amount: number, reason: Reason): void {
    if (amount <= 0) return;
    const entry = this.byUnit.get(unit);
    if (entry) {
      entry.score += amount;
      entry.reasons.push(reason);
    } else this.byUnit.set(unit, { score: amount, reasons: [reason] });
  }

  /** A mention that fits several units is shared among them (1/√n each); one that fits more than `limit` says nothing. */
  share(units: readonly number[] | undefined, limit: number, weight: number, reason: Reason): void {
    if (!units || units.length === 0 || units.length > limit) return;
    for (const u of units) this.add(u, weight / Math.sqrt(units.length), reason);
  }
}

export interface RankedUnit {
  unit: number;
  score: number;
  reasons: Reason[];
  /** Position on an explained call path, when the unit is on one. */
  pathStep?: number;
}

export function rankUnits(
  index: RetrievalIndex,
  question: string,
  editor?: EditorFocus,
  fillVague = true,
  history?: HistoryLookup,
): RankedUnit[] {
  const evidence = new Evidence();
  const scores = evidence.byUnit;

  const asked = index.query(question);
  const mentions = parseQuestion(question);
  // The question's words find the first hits; the words those hits share (feedback) find the rest.
  // Only the feedback units are needed from the first search, not the whole candidate list.
  const { query, borrowed } = expandQuery(
    index,
    asked,
    index.searchUnits(asked, FeedbackWeights.docs),
    mentions.identifiers.length,
  );
  const bm25 = index.searchUnits(query, BM25_UNITS);
  const best = bm25[0]?.score ?? 0;
  const wasBorrowed = new Set(borrowed);
  for (const hit of bm25) {
    const s = hit.score / best;
    const matched = hit.terms.sort((a, b) => index.unitSearch.idf(b) - index.unitSearch.idf(a));
    const terms = matched.filter((t) => !wasBorrowed.has(t)).slice(0, 6);
    const via = matched.filter((t) => wasBorrowed.has(t)).slice(0, 3);
    const reason: Reason = { kind: "bm25", score: round(s), terms: terms.map((t) => index.vocabulary.terms[t]!) };
    if (via.length > 0) reason.borrowed = via.map((t) => index.vocabulary.terms[t]!);
    evidence.add(hit.doc, RankWeights.bm25 * s, reason);
  }
  const fileHits = index.searchFiles(query, BM25_FILES);
  const bestFile = fileHits[0]?.score ?? 0;
  const fileScore = new Map<WorkspacePath, number>();
  for (const hit of fileHits) fileScore.set(hit.file, hit.score / bestFile);

  for (const id of mentions.identifiers) {
    const parts = id.split(".");
    const names = new Set([id, parts.slice(-2).join("."), parts[parts.length - 1]!]);
    for (const name of names)
      evidence.share(index.definitions.get(name), MAX_IDENTIFIER_DEFS, RankWeights.identifier, {
        kind: "identifier",
        name,
      });
  }
  for (const name of mentions.instantiated) {
    const ctors = CONSTRUCTORS.flatMap((c) => index.definitions.get(`${name}.${c}`) ?? []);
    evidence.share(ctors, MAX_CONSTRUCTOR_DEFS, RankWeights.instantiation, { kind: "identifier", name: `${name}(…)` });
  }
  for (const p of mentions.paths) {
    const files = filesMatching(index, p);
    if (files.length === 0 || files.length > 5) continue;
    for (const f of files)
      for (const u of index.unitsByFile.get(f) ?? [])
        evidence.add(u, RankWeights.path / files.length, { kind: "path", mention: p });
  }
  for (const m of mentions.lines) {
    for (const f of filesMatching(index, m.path)) {
      const u = index.unitAt(f, m.line);
      if (u !== undefined) evidence.add(u, RankWeights.line, { kind: "line", mention: `${m.path}:${m.line}` });
    }
  }
  for (const phrase of mentions.phrases) {
    const hits = index.unitsContaining(phrase, MAX_PHRASE_UNITS + 1);
    evidence.share(hits, MAX_PHRASE_UNITS, RankWeights.phrase, { kind: "phrase", text: phrase });
  }
  addNameSignal(index, question, evidence);
  if (editor) addEditorSignals(index, editor, evidence);
  const forEdit = asksForChange(question);
  const historyScale = forEdit ? 1 : RankWeights.historyForQuestion;
  const historyFiles = history
    ? addHistorySignal(index, history, question, historyScale, evidence)
    : new Map<WorkspacePath, number>();

  // Seed the graph walk with the strongest direct evidence.
  const seeded = [...scores.entries()].sort((a, b) => b[1].score - a[1].score).slice(0, GRAPH_SEEDS);
  const rank = personalizedPageRank(index.graph, new Map(seeded.map(([u, e]) => [u, e.score])));
  let maxRank = 0;
  const seedSet = new Set(seeded.map(([u]) => u));
  const order = index.unitOrder();
  for (const u of order) if (!seedSet.has(u)) maxRank = Math.max(maxRank, rank[u]!);
  if (maxRank > 0) {
    for (const u of order) {
      if (rank[u]! <= 0 || seedSet.has(u)) continue;
      const s = rank[u]! / maxRank;
      if (s >= 0.05) evidence.add(u, RankWeights.graph * s, { kind: "graph", score: round(s) });
    }
  }
  const classHits = index.searchClasses(query, BM25_CLASSES);
  const bestClass = classHits[0]?.score ?? 0;
  const classScore = new Map<number, number>();
  for (const hit of classHits) classScore.set(hit.doc, hit.score / bestClass);
  for (const [u, entry] of scores) {
    const own = Math.min(1, entry.score / RankWeights.priorEvidence);
    const f = fileScore.get(index.units[u]!.file);
    if (f) entry.score += RankWeights.file * f * own;
    const c = classScore.get(index.classOf[u]!);
    if (c) entry.score += RankWeights.class * c * own;
    const h = historyFiles.get(index.units[u]!.file);
    if (h) entry.score += RankWeights.historyFile * h * historyScale;
  }
  if (!aboutTests(question)) {
    const damping = forEdit ? RankWeights.testFileForEdit : RankWeights.testFile;
    for (const [u, entry] of scores) if (isTestPath(index.units[u]!.file)) entry.score *= damping;
  }
  // A file the question names keeps its weight, prose, generated or not.
  const named = new Set(mentions.paths.flatMap((p) => filesMatching(index, p)));
  for (const [u, entry] of scores) {
    const file = index.units[u]!.file;
    if (index.files.get(file)?.generated && !named.has(file)) entry.score *= RankWeights.generated;
  }
  const askedForProse = ABOUT_PROSE.test(question);
  if (!askedForProse)
    for (const [u, entry] of scores) if (proseDamped(index, named, u)) entry.score *= RankWeights.prose;
  if (fillVague && scores.size < MIN_CANDIDATES) {
    for (const c of index.central(MIN_CANDIDATES))
      evidence.add(c.unit, RankWeights.central * c.score, { kind: "graph", score: round(c.score) });
  }

  const ranked: RankedUnit[] = [];
  for (const [unit, e] of scores) ranked.push({ unit, score: round(e.score), reasons: e.reasons });
  sortRanked(index, ranked);
  liftMethodsOfBestClasses(index, ranked);
  if (askedForProse) return ranked;
  // Prose that even so scores under half the best unit is not worth its room on a question about code.
  const floor = (ranked[0]?.score ?? 0) * PROSE_MIN_SHARE;
  return ranked.filter((r) => r.score >= floor || !proseDamped(index, named, r.unit));
}

/**
 * Prose that the question does not name is damped. A function, not a closure made per question:
 * a fresh closure each question deoptimized ranking where it was called.
 */
function proseDamped(index: RetrievalIndex, named: ReadonlySet<WorkspacePath>, unit: number): boolean {
  const file = index.units[unit]!.file;
  return isProsePath(file) && !named.has(file);
}

/**
 * The methods of a class that ranks among the best few units are multiplied by
 * `RankWeights.classMethods`, each by its own score, so the methods the question's words
 * reach rise most; nested classes keep their score. Re-sorts `ranked`.
 */
function liftMethodsOfBestClasses(index: RetrievalIndex, ranked: RankedUnit[]): void {
  const best = new Map<number, { name: string; rank: number }>();
  for (let i = 0; i < Math.min(CLASS_LIFT_TOP, ranked.length); i++) {
    const unit = index.units[ranked[i]!.unit]!;
    const doc = index.classOf[ranked[i]!.unit]!;
    if (unit.kind === "class" && doc >= 0 && !best.has(doc)) best.set(doc, { name: unit.name, rank: i + 1 });
  }
  if (best.size === 0) return;
  for (const r of ranked) {
    if (index.units[r.unit]!.kind === "class") continue;
    const owner = best.get(index.classOf[r.unit]!);
    if (!owner) continue;
    r.score = round(r.score * RankWeights.classMethods);
    r.reasons.push({ kind: "class", name: owner.name, rank: owner.rank });
  }
  sortRanked(index, ranked);
}

/** Best first; equal scores in the index's unit order, so the ranking is deterministic. */
function sortRanked(index: RetrievalIndex, ranked: RankedUnit[]): void {
  ranked.sort((a, b) => b.score - a.score || index.compareUnits(a.unit, b.unit));
}

/** A name needs this share of its words' weight (IDF) in the question to count as described by it. */
const NAME_MIN_COVERAGE = 0.5;
/** Names described by the question, at most this many (the best covered). */
const NAME_UNITS = 200;

/**
 * Conceptual questions describe a definition in the words of its name without
 * writing the name: "the boolean method that determines spacing requirements
 * after declarator specifiers" for `require_space_after_declSpecs`. A
 * definition whose name's words (stemmed) the question mostly uses is credited
 * by the share of their IDF weight it uses, squared so near-complete
 * descriptions count most, and shared among definitions of the same name. One
 * word is not a description: names of one word are left to the identifier
 * signal and BM25. A name's word also matches a question's word it abbreviates
 * (`decl` for "declarator", `id` for "identifier"; see `abbreviationsOf`): QA dev
 * at 8k without history, 80.1 / 66.5 / 63.8 → 82.1 / 67.7 / 65.5 (file-all /
 * function / line); line recall gains at 4k and 16k too (with history, measured
 * together with `historyForQuestion`).
 * SWE-bench dev function recall gains at every budget without history (8k 60.7 →
 * 61.7); file-all lost 0.9 at 4k without history and at 8k with it.
 */
function addNameSignal(index: RetrievalIndex, question: string, evidence: Evidence): void {
  const prose = proseOf(question);
  const asked = new Set(tokenize(prose, true));
  const abbreviated = abbreviationsOf(tokenize(prose));
  const found: { unit: number; score: number; name: string; terms: string[] }[] = [];
  const sameName = new Map<string, number>();
  for (const u of index.unitOrder()) {
    const unit = index.units[u]!;
    if (unit.kind === "block") continue;
    const words = index.nameTerms(u);
    if (words.length < 2) continue;
    let total = 0;
    let matched = 0;
    let terms: string[] | undefined;
    for (const id of words) {
      const idf = index.unitSearch.idf(id);
      total += idf;
      const stem = index.stemOf(id);
      // An abbreviation by its stem (`specs` is "spec", which starts "specifiers") or as written
      // (`poly` stems to "poli", which starts no word; `poly` starts "polynomial").
      if (
        (asked.has(stem) || abbreviated.has(stem) || abbreviated.has(index.vocabulary.terms[id]!)) &&
        !terms?.includes(stem)
      ) {
        matched += idf;
        (terms ??= []).push(stem);
      }
    }
    if (!terms || terms.length < 2 || total <= 0 || matched / total < NAME_MIN_COVERAGE) continue;
    const name = simpleName(unit.name);
    found.push({ unit: u, score: (matched / total) ** 2, name, terms });
    sameName.set(name, (sameName.get(name) ?? 0) + 1);
  }
  found.sort((a, b) => b.score - a.score || index.compareUnits(a.unit, b.unit));
  for (const f of found.slice(0, NAME_UNITS))
    evidence.add(f.unit, (RankWeights.name * f.score) / Math.sqrt(sameName.get(f.name)!), {
      kind: "name",
      terms: f.terms,
    });
}

/** What a definition or file touched by `commits` commits in all keeps of a commit's credit. */
const damped = (commits: number) => Math.max(1, commits) ** -RankWeights.historyDamp;

/** A unit credited less than this share of the best-credited one is noise, not a candidate. */
const HISTORY_MIN_SHARE = 0.05;

/**
 * Credits the definitions and files that the best-matching commits changed.
 * Returns each file's history prior (0..1), applied once the candidates are known.
 */
function addHistorySignal(
  index: RetrievalIndex,
  history: HistoryLookup,
  question: string,
  scale: number,
  evidence: Evidence,
): Map<WorkspacePath, number> {
  const hits = history.search(question, RankWeights.historyCommits);
  const files = new Map<WorkspacePath, number>();
  const best = hits[0]?.score ?? 0;
  if (best <= 0) return files;
  const credit = new Map<number, { amount: number; commits: number; example: (typeof hits)[number] }>();
  const byName = new Map<WorkspacePath, Map<string, number[]>>();
  const unitsNamed = (file: WorkspacePath, name: string): number[] => {
    let names = byName.get(file);
    if (!names) {
      byName.set(file, (names = new Map()));
      for (const u of index.unitsByFile.get(file) ?? []) {
        const simple = simpleName(index.units[u]!.name);
        const list = names.get(simple);
        if (list) list.push(u);
        else names.set(simple, [u]);
      }
    }
    return names.get(name) ?? [];
  };
  for (const hit of hits) {
    const s = (hit.score / best) ** RankWeights.historySharp;
    const present = hit.files.filter((f) => index.files.has(f));
    for (const f of present) files.set(f, (files.get(f) ?? 0) + (s / present.length) * damped(history.touches(f)));
    const touched = new Map<number, number>();
    for (const [f, name] of hit.symbols) {
      const file = hit.files[f]!;
      const units = unitsNamed(file, name);
      // Widely changed definitions collect credit from many loosely similar commits: damp them.
      const damp = damped(history.touches(file, name));
      for (const u of units) if (!touched.has(u)) touched.set(u, damp);
    }
    for (const [unit, damp] of touched) {
      const amount = (s / touched.size) * damp;
      const entry = credit.get(unit);
      if (entry) {
        entry.amount += amount;
        entry.commits++;
      } else credit.set(unit, { amount, commits: 1, example: hit });
    }
  }
  const maxFile = Math.max(0, ...files.values());
  if (maxFile > 0) for (const [f, v] of files) files.set(f, v / maxFile);
  const maxCredit = Math.max(0, ...[...credit.values()].map((c) => c.amount));
  if (maxCredit <= 0) return files;
  for (const [unit, c] of credit) {
    const share = c.amount / maxCredit;
    if (share < HISTORY_MIN_SHARE) continue;
    evidence.add(unit, RankWeights.history * share * scale, {
      kind: "history",
      commits: c.commits,
      example: { id: c.example.id, subject: c.example.subject, year: new Date(c.example.time * 1000).getUTCFullYear() },
    });
  }
  return files;
}

function addEditorSignals(index: RetrievalIndex, editor: EditorFocus, evidence: Evidence): void {
  if (editor.selection) {
    const { file, start, end } = editor.selection;
    for (const u of index.unitsByFile.get(file) ?? []) {
      const unit = index.units[u]!;
      if (unit.end >= start && unit.start <= end)
        evidence.add(u, RankWeights.editorSelection, { kind: "editor", what: "selection" });
    }
  }
  if (editor.activeFile) {
    for (const u of index.unitsByFile.get(editor.activeFile) ?? [])
      evidence.add(u, RankWeights.editorActive, { kind: "editor", what: "active" });
  }
  for (const f of editor.openFiles ?? []) {
    if (f === editor.activeFile) continue;
    for (const u of index.unitsByFile.get(f) ?? [])
      evidence.add(u, RankWeights.editorOpen, { kind: "editor", what: "open" });
  }
}

/** Files whose path is the mention or ends with it at a folder boundary. Never by basename alone when ambiguous. */
export function filesMatching(index: RetrievalIndex, mention: string): WorkspacePath[] {
  const m = mention.replace(/\\/g, "/").replace(/^\.?\//, "");
  const out: WorkspacePath[] = [];
  for (const f of index.files.keys()) if (f === m || f.endsWith("/" + m) || m.endsWith("/" + f)) out.push(f);
  return out;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
