import { lexicalScorer, packageLineScores, type LineScorer } from "./line-scorer";
import { importStatements } from "./imports";
import { asksForChange } from "./question";
import { prunedRanges, skeletonRanges } from "./prune";
import { isProsePath, isTestPath, rankUnits, type RankedUnit } from "./rank";
import {
  bareRanges,
  CONTEXT_PREAMBLE,
  fileHeader,
  numberedLine,
  renderOutline,
  renderSignatures,
  renderSpan,
  shownRanges,
  signaturesHeader,
  type Detail,
} from "./render";
import type { RetrievalIndex } from "./retrieval-index";
import type { TokenCounter } from "./token-counter";
import { simpleName } from "./units";
import type { WorkspacePath } from "../index/types";
import type {
  ContextCommit,
  ContextOptions,
  ContextPackage,
  ContextSpan,
  HistoryLookup,
  PrunedSpan,
  Range,
  Reason,
  SpanOrder,
  Unit,
} from "./types";

/** Candidates considered for the pack; the rest of the ranking is too weak to matter. */
const MAX_CANDIDATES = 400;
/**
 * Share of the budget the outline may take. Small, because the definitions that matter are
 * named in the code itself (bare signatures, below), where a line costs as little and can be cited.
 */
const OUTLINE_SHARE = 0.04;
/**
 * …but never less than this many tokens (within OUTLINE_MAX_SHARE): enough to name the files
 * and the strongest files' methods, which a small budget would otherwise lose first.
 */
const OUTLINE_FLOOR = 240;
const OUTLINE_MAX_SHARE = 0.08;
/**
 * Share of the budget kept back from full spans, for the outline, elided units (signature and the
 * start of the docstring) and bare signatures, in that order of claim. Bare signatures take
 * SIGNATURE_SHARE of it; elided units what the outline and they leave (8 % at 8k).
 */
const NOT_FULL_SHARE = 0.23;
/**
 * Bare signatures (decorators and def line) of the units ranked after the elided ones. A signature
 * costs a fifth of an elided span, so this tier names many more definitions.
 */
const SIGNATURE_SHARE = 0.11;
/**
 * How many of the best-ranked files, per 1k tokens of budget, are each shown at least by a
 * bare signature, which is cheap enough for 28 files at 8k (QA dev set, first 95: file-all 71.6 %
 * with 20 files, 73.7 % with 28; the whole set with bare signatures: 76.9 % at 3.5, 77.6 % at 5 and
 * at 7, where the room, not the count, runs out, and function recall 60.2 % and 60.0 %). Files of
 * prose blocks take no place, since breadth cannot show them: where a question lifts the docs,
 * pages had taken places (11 of the 28 on one flask question). At 8k without history, QA dev
 * file-all 78.2 → 79.5 %, SWE-bench dev 85.2 → 86.1 %; at 4k, QA function recall 54.3 → 54.1 %
 * (two questions).
 */
const FILES_IN_BREADTH_PER_1K = 3.5;
/**
 * Share of the budget for the signatures of the best-ranked code file's other definitions: its
 * classes and functions first, then its methods, each best-scored first. A question is usually
 * about how one module fits together, and its answer names definitions that the question's words
 * do not reach; a signature costs a few percent of a full span. Half the share comes out of full
 * spans' room (BEST_FILE_FROM_FULL), half out of the elided units', which are chosen after it.
 * QA dev set at 8k: function recall 56.1 % → 58.0 %; all of it from full spans cost the
 * SWE-bench set 1.3 points of function recall, all of it from elided units 0.7 of QA file-all.
 */
const BEST_FILE_SHARE = 0.05;
const BEST_FILE_FROM_FULL = 0.025;
/**
 * The second-best code file's other definitions are named too, within this further share, all of
 * it from the room of the units chosen after them (elided units, the next-ranked signatures), but
 * never from the room breadth's files need for their signatures. Of the QA dev set's gold
 * definitions at 8k, 120 lie in the second-best file and 45 of them were missed. QA dev set,
 * file-all / function / line, with breadth by bare signatures: 8k without history 76.9 / 57.9 /
 * 58.5 → 76.9 / 58.5 / 59.0, with history 78.2 / 58.9 / 58.5 → 78.8 / 59.9 / 58.5. Taking breadth's
 * room as well reached 60.2 % function recall at 8k, but cost 2.5 points of file-all with history
 * and 2.6 at 4k. Two more files (4 % each) reached 60.4 % but cost 4.5 points of file-all; 7 % for
 * the second file, 60.0 % and 3.2 points; naming it after breadth gained only 0.1-0.2 points
 * while breadth showed elided units, and with breadth by bare signatures (within 4 % more than
 * breadth used) it measures as this rule does at 4k and 8k, within one to three questions. A third
 * file's definitions within 3 % more, under the same rule for breadth's room, changed nothing at 8k.
 */
const SECOND_FILE_SHARE = 0.04;
/**
 * One file's full and pruned spans stop once they take this share of the budget (the unit that
 * crosses it is kept); its other units can still be elided or named. A file whose long methods
 * all match the question's words otherwise took two thirds of a package (sqlfluff's
 * `grammar/sequence.py`, 5.4k of 8k tokens) and left no room for the other files an answer
 * names. A file the question names something in is not capped: an issue about one module is
 * answered there (SWE-bench dev at 8k lost 1.5 points of function recall with history without
 * this exception). With it, QA dev set 58.2 → 58.4 % function recall without history and
 * 57.5 → 58.0 % with it; SWE-bench 51.0 → 51.9 % without history, 51.5 % with it as before.
 */
const FILE_FULL_SHARE = 0.5;
/** How many pruned candidates are listed in the package. */
const MAX_PRUNED_LISTED = 60;
/**
 * Units with more body lines than this are pruned to their best lines when they do not fit whole,
 * or when whole they would exceed UNIT_FULL_SHARE (BEST_UNIT_FULL_SHARE for the best-ranked).
 */
const PRUNE_ABOVE_LINES = 24;
/**
 * No one unit takes more than this share of the budget: a longer one is pruned to the best lines
 * that fit in it. A 285-line function ranked third (sympy's `_init_ipython_printing`, on an issue
 * about LaTeX printing) took 3.1k of 8k tokens whole, and the short method the fix was in, ranked
 * ninth, got only its signature. Pruned to the share, it keeps its best lines and leaves the rest
 * to the units after it. 25 % as issue 18 proposed; 15 % pruned the lines QA answers cite (dev set
 * at 8k, function 63.5 % → 62.2 %). The best-ranked unit has a larger share of its own: it is what
 * the question is about, and pruned to this share it lost the line an issue's fix changes
 * (SWE-bench dev at 4k, function 45.5 % with it capped, 47.4 % exempt; QA dev at 4k 54.5 % and 54.3 %).
 */
const UNIT_FULL_SHARE = 0.25;
/**
 * The best-ranked unit is capped only at this larger share: no one unit takes over half the
 * package. Whole, a 744-line function ranked first by history (sympy's `lambdify`) took 8.8k of
 * 16k tokens, and the two short functions ranked after it, one of which the fix was in, got only
 * their signatures; pruned to the share, it keeps its best lines and they fit. At 40 % a 141-line
 * method that a flask question cites (1.8k of 4k tokens) lost its cited lines. Without history no
 * best-ranked unit of either dev set exceeded 40 % at 4k, 8k or 16k, so nothing changes there.
 */
const BEST_UNIT_FULL_SHARE = 0.5;
/**
 * Module code (imports, `__all__`, tables of constants) longer than PRUNE_ABOVE_LINES, like every
 * unit the shares cap, is capped at this share: it lists many names, so it matches many of a
 * question's words, but it holds no behaviour. Whole, sympy's
 * `physics/units/__init__.py` took 1.5k of 8k tokens in two blocks of imports and `__all__` on an
 * issue about `convert_to`, and the 22-line function the fix was in got only its signature. Pruned
 * to the share, a block keeps the lines that match the question. Not when it is the best-ranked
 * unit or its file is one the question names something in (see FILE_FULL_SHARE): an issue whose
 * fix adds an import or a row to a module-level table (requests' `models.py`, sympy's Mathematica
 * printer) lost those lines to the cap. At 8k with history, file-all / function / line: QA dev
 * 81.4 / 65.8 / 64.2 → 82.1 / 65.8 / 64.2, SWE-bench dev 86.1 / 56.8 / 56.7 → 86.1 / 56.8 / 56.9.
 * Capped without the exceptions, SWE-bench lost those two issues' function (56.3 / 56.6; without
 * history 55.3 / 54.9 → 54.4 / 54.1).
 */
const BLOCK_FULL_SHARE = 0.05;
/** The short-unit tier: definitions of up to `lines` lines among the best `ranks`, within `share` more. */
interface ShortUnits {
  share: number;
  ranks: number;
  lines: number;
}
/**
 * Short definitions among the best-ranked that the full tier had no room left for are shown whole
 * within this much more of the budget, taken from the tiers chosen after them (signatures). A
 * 7-line `__repr__` ranked 17th cost no more than the signatures that displaced it, and answers
 * cite such small methods whole. Dev sets without history, file-all / function / line: QA at 8k
 * 78.2 / 63.5 / 62.0 → 78.2 / 64.1 / 63.3, at 4k 69.9 / 54.3 / 51.0 → 70.5 / 54.3 / 51.7;
 * SWE-bench at 8k 85.2 / 54.4 / 54.0 → 85.2 / 55.3 / 54.9, at 4k 83.3 / 47.4 / 46.9 → 83.3 / 46.4 /
 * 47.4 (one issue lost). At 8k, within 3 %, the best 25 and up to 13 lines: QA 63.6 / 62.4,
 * SWE-bench unchanged; within 5 %, the best 60 and up to 25 lines: QA 62.8 / 63.1.
 */
const SHORT_UNITS: ShortUnits = { share: 0.04, ranks: 40, lines: 17 };
/**
 * When the question asks for an edit (`asksForChange`), the short-unit tier reaches further: up to
 * 25 lines among the best 50, within 7 %. A fix is made in a few definitions, and a small one ranked
 * 30th is likelier to be where it goes than the signatures it displaces are to be read; a question
 * about how code works needs those signatures more (see SHORT_UNITS for what that cost QA). It
 * comes after the imports tier, besides what that took: before it, at 4k it left the imports no
 * room. SWE-bench dev (file-all / function / line), without history at 8k 86.1 / 57.3 / 56.2 →
 * 86.1 / 58.3 / 57.6 and with it 86.1 / 57.8 / 58.3 → 86.1 / 58.7 / 59.7; with history at 4k
 * function 49.5 → 51.5 and line 50.6 → 51.4, but without it 51.3 → 50.3 and 51.4 → 50.0 (a 7-line
 * `__repr__` ranked 27th lost its room to wider ones ranked before it); at 16k function 63.1 → 63.6
 * without history and 66.0 → 65.0 with it (one 3-line method lost), not counting an issue the
 * bench scored wrongly before. QA dev unchanged: none of its questions asks for an edit. Within
 * 9 %, the best 60 and up to 30 lines (before the imports moved ahead), three issues lost their
 * import lines at 8k without history (function 56.8).
 */
const SHORT_UNITS_FOR_EDIT: ShortUnits = { share: 0.07, ranks: 50, lines: 25 };
/**
 * The module-level import statements of the first IMPORT_FILES code files (tests aside) with code
 * shown whole or pruned, best-ranked first, within this share of the budget, from the tiers chosen
 * after them, when the question asks for an edit (`asksForChange`). A fix that uses a name the
 * module does not import yet adds an import, and the model cannot write it without seeing the
 * list: the fixes of 13 of the SWE-bench dev set's 108 issues change a module's imports. SWE-bench
 * dev (file-all / function / line), without history at 8k 86.1 / 55.3 / 54.9 → 86.1 / 57.3 / 56.2
 * and at 16k 91.7 / 61.2 / 62.8 → 91.7 / 63.1 / 63.7, with history at 8k 86.1 / 56.8 / 56.9 →
 * 86.1 / 57.8 / 58.3 and at 16k 89.8 / 63.6 / 64.1 → 89.8 / 66.0 / 65.6; at 4k function 50.3 →
 * 51.3 and 48.5 → 49.5. One file gained less (8k with history 56.8 / 57.7 before two-line reports
 * counted as asking for an edit, 57.3 / 58.1 with two files then). Shown for
 * every question (one file), QA dev at 8k lost (153 of 156 questions: function 66.6 → 65.4 without
 * history; with it file-all 81.7 → 80.4, function 66.4 → 65.5): a question about how code works
 * needs the signatures more, and none of its one-line questions asks for an edit.
 */
const IMPORTS_SHARE = 0.04;
const IMPORT_FILES = 2;
const IMPORTS_NOTE = " (its import statements)";
/** A pruned unit keeps this share of its body lines (at least PRUNE_MIN_KEEP). */
const PRUNE_KEEP_SHARE = 0.3;
const PRUNE_MIN_KEEP = 6;
/** Room left after rendering below this is not worth another render for more signatures. */
const MIN_SLACK = 30;
/** Below this much room a pruned span (signature, markers, a few lines) cannot fit: do not try. */
const MIN_PRUNED_ROOM = 40;

interface Choice {
  ranked: RankedUnit;
  detail: Detail;
  ranges: Range[];
  tokens: number;
  /** Shown by its signature alone, in one span with the file's other bare signatures next to it. */
  bare?: true;
  /** Pruned because whole it would take more than this share of the budget (UNIT_FULL_SHARE, BEST_UNIT_FULL_SHARE or BLOCK_FULL_SHARE). */
  capped?: number;
  /** Module code shown by its import statements only (IMPORTS_SHARE). */
  imports?: true;
}

/**
 * Builds the context package for a question: rank units, choose what to show
 * in full and what elided within the budget, render outline and spans, and
 * verify the exact token count of the final text. A pure function of
 * (retrieval index, question, options).
 */
export function buildContext(
  index: RetrievalIndex,
  counter: TokenCounter,
  question: string,
  options: ContextOptions,
  scorer: LineScorer = lexicalScorer(index, question),
): ContextPackage {
  const t0 = performance.now();
  const ranked = withFocus(
    index,
    rankUnits(index, question, options.editor, !options.focus?.length, options.history),
    options,
  ).slice(0, MAX_CANDIDATES);
  const t1 = performance.now();
  const budget = Math.max(0, Math.floor(options.budget));
  /** A unit's token count in one rendering, counted once and kept with the index (see `tokenCosts`). */
  const cachedCost = (r: RankedUnit, rendering: string, render: () => string) => {
    const key = `${counter.encoding}:${rendering}`;
    let costs = index.tokenCosts.get(r.unit);
    if (!costs) index.tokenCosts.set(r.unit, (costs = new Map()));
    let n = costs.get(key);
    if (n === undefined) costs.set(key, (n = counter.count(render())));
    return n;
  };
  const tokensOf = (r: RankedUnit, detail: Exclude<Detail, "pruned">) =>
    cachedCost(r, detail, () => {
      const unit = index.units[r.unit]!;
      return renderSpan("S000", unit, detail, index.lines.get(unit.file)!);
    }) + 1;
  /** Cheap estimate, to skip exact counts of spans that plainly cannot fit. */
  const roughTokens = (r: RankedUnit, ranges: readonly Range[]) => {
    const unit = index.units[r.unit]!;
    const lines = index.lines.get(unit.file)!;
    let chars = 0;
    for (const [a, b] of ranges) for (let l = a; l <= b; l++) chars += (lines[l - 1]?.length ?? 0) + 8;
    return chars / 6;
  };
  const headerCost = counter.count(CONTEXT_PREAMBLE + "# Code\n");
  const fileHeaderCost = (file: string) => counter.count(fileHeader(file));

  const chosen = new Map<number, Choice>();
  const filesUsed = new Set<string>();
  let used = headerCost;
  const add = (r: RankedUnit, detail: Detail, ranges: Range[], tokens: number, limit: number) => {
    const unit = index.units[r.unit]!;
    const extra = tokens + (filesUsed.has(unit.file) ? 0 : fileHeaderCost(unit.file));
    if (used + extra > limit) return false;
    chosen.set(r.unit, { ranked: r, detail, ranges, tokens });
    filesUsed.add(unit.file);
    used += extra;
    return true;
  };
  const tryAdd = (r: RankedUnit, detail: Exclude<Detail, "pruned">, limit: number) => {
    const unit = index.units[r.unit]!;
    if (detail === "elided" && headingOnlyWhenElided(unit)) return false;
    const ranges = shownRanges(unit, detail);
    if (detail === "full" && used + roughTokens(r, ranges) > limit) return false;
    return add(r, detail, ranges, tokensOf(r, detail), limit);
  };
  /** The unit's best lines, as many as its share allows: the share halves until the span fits the room left. */
  const tryPruned = (r: RankedUnit, limit: number, share = PRUNE_KEEP_SHARE) => {
    if (limit - used < MIN_PRUNED_ROOM) return false;
    const unit = index.units[r.unit]!;
    const lines = index.lines.get(unit.file)!;
    const score = (n: number) => scorer.score(unit.file, n);
    for (let keep = Math.max(PRUNE_MIN_KEEP, Math.round((unit.end - unit.signatureEnd) * share)); ; keep >>= 1) {
      const ranges = prunedRanges(unit, lines, score, keep);
      if (used + roughTokens(r, ranges) <= limit) {
        const tokens = counter.count(renderSpan("S000", unit, "pruned", lines, ranges)) + 1;
        if (add(r, "pruned", ranges, tokens, limit)) return true;
      }
      if (keep === 0) return false;
    }
  };
  const outlineReserve = Math.floor(
    Math.min(budget * OUTLINE_MAX_SHARE, Math.max(budget * OUTLINE_SHARE, OUTLINE_FLOOR)),
  );
  // A "Recent history" section, when asked for, keeps its small share out of the spans' room.
  const wantsRecent = options.history !== undefined && (options.recentHistory ?? ASKS_ABOUT_CHANGE.test(question));
  const historyReserve = wantsRecent ? Math.floor(budget * RECENT_HISTORY_SHARE) : 0;
  const signatureReserve = Math.floor(budget * SIGNATURE_SHARE);
  // Full spans keep the same room at every budget; the outline, elided units and bare signatures
  // share the rest, so a small budget's floor for the outline is taken from the elided units.
  // An explained call path decides its own files; only a question's ranking names a best file and
  // caps a file's share.
  const rankingDecidesFiles = !options.focus?.length;
  // A report to fix or a request for a change: the answer is an edit in a few definitions.
  const asksForEdit = rankingDecidesFiles && asksForChange(question);
  const fullLimit =
    budget -
    historyReserve -
    Math.floor(budget * NOT_FULL_SHARE) -
    (rankingDecidesFiles ? Math.floor(budget * BEST_FILE_FROM_FULL) : 0);
  // A class that is on a call path only as the type of a method shows its skeleton, so the
  // path's own units keep their room.
  const trySkeleton = (r: RankedUnit) => {
    const unit = index.units[r.unit]!;
    const lines = index.lines.get(unit.file)!;
    const ranges = skeletonRanges(unit, lines);
    return add(r, "pruned", ranges, counter.count(renderSpan("S000", unit, "pruned", lines, ranges)) + 1, fullLimit);
  };
  // Whole units while they fit; a long unit that no longer fits whole, or would take more than its
  // share of the budget (a larger one for the best-ranked), is pruned to its best lines. One file's
  // full spans stop at its share, unless the question names something in it.
  const fileFullCap = budget * FILE_FULL_SHARE;
  const fullByFile = new Map<string, number>();
  const namedFiles = rankingDecidesFiles ? filesTheQuestionNames(index, ranked) : undefined;
  for (const r of ranked) {
    if (isTypeOnPath(r, index.units[r.unit]!)) {
      trySkeleton(r);
      continue;
    }
    const unit = index.units[r.unit]!;
    const fileFull = fullByFile.get(unit.file) ?? 0;
    if (namedFiles && fileFull >= fileFullCap && !namedFiles.has(unit.file)) continue;
    const before = used;
    const long = unit.end - unit.signatureEnd > PRUNE_ABOVE_LINES;
    // Counted exactly only where the share can decide: not once no pruned span fits, when a long
    // unit can be shown only whole in under MIN_PRUNED_ROOM tokens, under the share at any budget
    // of 160 or more. Counting every long candidate took 45 ms more per question with no counts
    // kept yet (39 QA dev questions at 4k: 112 ms against 64).
    const share =
      r === ranked[0]
        ? BEST_UNIT_FULL_SHARE
        : unit.kind === "block" && !isProsePath(unit.file) && !namedFiles?.has(unit.file)
          ? BLOCK_FULL_SHARE
          : UNIT_FULL_SHARE;
    const cap = budget * share;
    const mayCap = long && fullLimit - used >= MIN_PRUNED_ROOM;
    const whole = mayCap ? tokensOf(r, "full") : 0;
    if (whole > cap) {
      // As many of its best lines as the share holds: a tenth below the share's worth of its lines,
      // which halves (in tryPruned) while the span does not fit.
      if (!tryPruned(r, Math.min(fullLimit, used + cap), (0.9 * cap) / whole)) continue;
      chosen.get(r.unit)!.capped = share;
    } else if (!tryAdd(r, "full", fullLimit) && !(long && tryPruned(r, fullLimit))) continue;
    fullByFile.set(unit.file, fileFull + used - before);
  }
  // The imports of the files whose code is shown first, when the answer is an edit: a fix that
  // uses a new name adds a line there. Before the short definitions, which would take their room.
  const beforeImports = used;
  if (asksForEdit) {
    const limit = Math.min(
      used + Math.floor(budget * IMPORTS_SHARE),
      budget - outlineReserve - historyReserve - signatureReserve,
    );
    for (const { file, by } of filesShownFirst(index, ranked, chosen, IMPORT_FILES)) {
      const lines = index.lines.get(file)!;
      for (const [u, statements] of importsByUnit(index, file)) {
        // Module code already pruned to other lines (a share's cap) keeps them and adds its imports.
        const prior = chosen.get(u);
        if (prior && prior.detail !== "pruned") continue;
        const ranges = mergeRanges([...(prior?.ranges ?? []), ...statements]);
        const note = prior ? undefined : IMPORTS_NOTE;
        const tokens = counter.count(renderSpan("S000", index.units[u]!, "pruned", lines, ranges, note)) + 1;
        const reason: Reason = { kind: "imports", of: index.units[by.unit]!.name };
        if (!prior) {
          if (add({ unit: u, score: by.score, reasons: [reason] }, "pruned", ranges, tokens, limit))
            chosen.get(u)!.imports = true;
        } else if (used + tokens - prior.tokens <= limit) {
          // Its file's header is paid already: only the difference is new.
          used += tokens - prior.tokens;
          Object.assign(prior, {
            ranges,
            tokens,
            ranked: { ...prior.ranked, reasons: [...prior.ranked.reasons, reason] },
          });
        }
      }
    }
  }
  // Then the short definitions among the best-ranked that found no room, whole, within a little more
  // besides what the imports took (from the second on: the best-ranked was tried first, with all
  // of the full tier's room).
  const shortUnits = asksForEdit ? SHORT_UNITS_FOR_EDIT : SHORT_UNITS;
  const shortLimit = fullLimit + (used - beforeImports) + Math.floor(budget * shortUnits.share);
  if (rankingDecidesFiles)
    for (const r of ranked.slice(1, shortUnits.ranks)) {
      const unit = index.units[r.unit]!;
      const short = unit.end - unit.start + 1 <= shortUnits.lines;
      if (short && !chosen.has(r.unit) && unit.kind !== "block" && !isProsePath(unit.file))
        tryAdd(r, "full", shortLimit);
    }
  /**
   * A definition by its signature alone (decorators and def line), costed as one line of a
   * span that names the file's neighbouring signatures too: the span's header is paid once.
   */
  const signatureHeader = counter.count(signaturesHeader("S000", 10, ""));
  /** A unit's signature lines and their tokens in a run; none for module code, a block or prose. */
  const bareSignature = (r: RankedUnit): { ranges: Range[]; tokens: number } | undefined => {
    const unit = index.units[r.unit]!;
    if (unit.kind === "block" || isProsePath(unit.file) || !startsDefinition(unit)) return undefined;
    const lines = index.lines.get(unit.file)!;
    const ranges = bareRanges(unit, lines);
    // Counted once per unit: breadth's room, breadth and each signature tier ask again.
    const tokens = cachedCost(r, "bare", () => {
      let text = "";
      // Unpadded: a run pads to its last line's width, which is not known until the run is.
      for (const [a, b] of ranges) for (let n = a; n <= b; n++) text += numberedLine(n, 0, lines);
      return text;
    });
    return { ranges, tokens };
  };
  const tryBare = (r: RankedUnit, limit: number) => {
    const bare = bareSignature(r);
    if (!bare) return false;
    const tokens = bare.tokens + (joinsRun(r.unit) ? 0 : signatureHeader);
    if (!add(r, "elided", bare.ranges, tokens, limit)) return false;
    chosen.get(r.unit)!.bare = true;
    return true;
  };
  /** A unit that begins at its definition's first line, not the rest of a class body after a method. */
  const startsDefinition = (unit: Unit) =>
    index.files.get(unit.file)?.symbols.some((s) => s.start === unit.start && s.qualifiedName === unit.name) ?? false;
  /** Whether the nearest chosen unit before or after this one in its file is bare: then they share a span. */
  const joinsRun = (id: number) => {
    const inFile = index.unitsByFile.get(index.units[id]!.file) ?? [];
    const at = inFile.indexOf(id);
    for (const step of [-1, 1])
      for (let i = at + step; i >= 0 && i < inFile.length; i += step) {
        const c = chosen.get(inFile[i]!);
        if (c) {
          if (c.bare) return true;
          break;
        }
      }
    return false;
  };
  // The best and second-best code files name their other definitions, each within its share.
  const bestFiles = rankingDecidesFiles ? bestCodeFiles(index, ranked, 2) : [];
  const nameDefinitionsOf = (place: number, limit: number) => {
    const file = bestFiles[place - 1];
    if (file !== undefined) for (const r of bestFileDefinitions(index, ranked, file, place, chosen)) tryBare(r, limit);
  };
  nameDefinitionsOf(1, fullLimit + Math.floor(budget * BEST_FILE_SHARE));
  // The best unit of each of the best-ranked files (breadth, below).
  const breadth = Math.max(5, Math.round((budget / 1000) * FILES_IN_BREADTH_PER_1K));
  const breadthUnits: RankedUnit[] = [];
  const breadthFiles = new Set<string>();
  for (const r of ranked) {
    const unit = index.units[r.unit]!;
    const file = unit.file;
    // A place goes only to a file breadth can show: a prose block has no signature, and elided it
    // would show only its heading.
    if (breadthFiles.has(file) || headingOnlyWhenElided(unit)) continue;
    if (breadthFiles.size === breadth) break;
    breadthFiles.add(file);
    breadthUnits.push(r);
  }
  // The second-best file's signatures stop where breadth's room begins: what the files not shown
  // yet cost by their bare signatures (QA dev set at 4k without history: file-all 66.0 % with the
  // second file's whole share, 68.6 % so).
  let breadthRoom = 0;
  for (const r of breadthUnits) {
    const file = index.units[r.unit]!.file;
    const bare = filesUsed.has(file) || file === bestFiles[1] ? undefined : bareSignature(r);
    if (bare) breadthRoom += bare.tokens + signatureHeader + fileHeaderCost(file);
  }
  nameDefinitionsOf(
    2,
    Math.min(
      fullLimit + Math.floor(budget * (BEST_FILE_SHARE + SECOND_FILE_SHARE)),
      budget - outlineReserve - historyReserve - breadthRoom,
    ),
  );
  // Breadth before depth: every strongly ranked file gets at least its best unit's bare signature,
  // then the remaining room goes to the next-ranked units. A signature, not an elided unit: it
  // names the file for a fifth of the room, and the next-ranked units get the rest (QA dev set at
  // 8k without history, before the second file left breadth its room: function recall 59.8 % →
  // 60.2 %, file-all 76.3 % → 76.9 %; at 4k without the second file, 68.6 / 50.6 / 50.6 → 69.2 /
  // 51.3 / 50.5).
  // Module code and blocks have no signature and are elided.
  for (const r of breadthUnits) {
    if (filesUsed.has(index.units[r.unit]!.file)) continue;
    if (!tryBare(r, budget - outlineReserve - historyReserve))
      tryAdd(r, "elided", budget - outlineReserve - historyReserve - signatureReserve);
  }
  for (const r of ranked)
    if (!chosen.has(r.unit)) tryAdd(r, "elided", budget - outlineReserve - historyReserve - signatureReserve);
  // A method shown without its class's header reads out of place: the class line comes first of
  // the bare signatures.
  for (const r of ownersOfChosen(index, ranked, chosen)) tryBare(r, budget - outlineReserve - historyReserve);
  // Then the next-ranked definitions by their signatures alone, as many as the rest of the room holds.
  for (const r of ranked) if (!chosen.has(r.unit)) tryBare(r, budget - outlineReserve - historyReserve);
  const recent =
    wantsRecent && options.history ? recentHistory(index, counter, options.history, chosen, historyReserve) : undefined;
  const t2 = performance.now();

  // Render, then make the count exact: drop the weakest choices until the text fits.
  const order =
    options.order ??
    (options.focus?.length ? "path" : options.attentionSort && scorer.info.kind === "model" ? "attention" : "edges");
  const massOf = (file: string, ranges: readonly Range[]) => {
    let m = 0;
    for (const [a, b] of ranges) for (let n = a; n <= b; n++) m += scorer.score(file, n);
    return m;
  };
  let pack = render(index, counter, question, budget, chosen, order, outlineReserve, recent?.text, massOf);
  // What the outline (or an estimate) left unused goes to more bare signatures, once.
  const slack = budget - pack.tokens;
  if (slack >= MIN_SLACK) {
    const before = chosen.size;
    const limit = used + slack;
    for (const r of ranked) if (!chosen.has(r.unit)) tryBare(r, limit);
    if (chosen.size > before)
      pack = render(index, counter, question, budget, chosen, order, outlineReserve, recent?.text, massOf);
  }
  while (pack.tokens > budget && chosen.size > 0) {
    // Drop the weakest until their estimated tokens cover the excess, then count again. Bare
    // signatures go first: they are the last tier chosen, and the cheapest to lose.
    const weakestFirst = [...chosen.values()].sort(
      (a, b) => Number(b.bare ?? false) - Number(a.bare ?? false) || a.ranked.score - b.ranked.score,
    );
    let excess = pack.tokens - budget;
    for (const c of weakestFirst) {
      if (excess <= 0) break;
      chosen.delete(c.ranked.unit);
      excess -= c.tokens;
    }
    pack = render(index, counter, question, budget, chosen, order, outlineReserve, recent?.text, massOf);
  }
  if (pack.tokens > budget) pack = emptyPackage(counter, question, budget);
  // Everything considered but not shown whole is pruned, with the reason.
  const pruned: PrunedSpan[] = [];
  for (const r of ranked) {
    if (pruned.length >= MAX_PRUNED_LISTED) break;
    const unit = index.units[r.unit]!;
    const choice = chosen.get(r.unit);
    if (choice?.detail === "full") continue;
    if (!choice) {
      pruned.push({ file: unit.file, ranges: [[unit.start, unit.end]], symbol: unit.name, reason: "over budget" });
      continue;
    }
    const hidden = complement(choice.ranges, unit.start, unit.end);
    if (hidden.length === 0) continue;
    pruned.push({
      file: unit.file,
      ranges: hidden,
      symbol: unit.name,
      reason: choice.bare
        ? "named by its signature only: ranked below the spans shown whole or with their docstring"
        : choice.imports
          ? "only its import statements are shown: the file's code is shown, and an edit there needs them"
          : choice.detail === "elided"
            ? "body elided: ranked below the spans shown in full"
            : isTypeOnPath(choice.ranked, unit)
              ? "shown as a skeleton (header and fields): the class is on the call path only as the type"
              : choice.capped
                ? `lines pruned: whole, it would take over ${choice.capped * 100} % of the budget; these scored lowest (${scorer.info.kind} scorer)`
                : `lines pruned: they scored lowest for the question (${scorer.info.kind} scorer)`,
    });
  }
  const lineScores = packageLineScores(scorer, pack.spans);
  pack.spans.forEach((s, i) => (s.lineScores = lineScores[i]!));
  const t3 = performance.now();
  let uncompressedTokens = pack.tokens;
  for (const c of chosen.values()) if (c.detail !== "full") uncompressedTokens += tokensOf(c.ranked, "full") - c.tokens;
  return {
    ...pack,
    pruned,
    scorer: scorer.info,
    ...historyState(options),
    ...(recent ? { commits: recent.commits } : {}),
    stats: {
      candidates: ranked.length,
      uncompressedTokens,
      ms: { rank: ms(t1 - t0), select: ms(t2 - t1), render: ms(t3 - t2), total: ms(t3 - t0) },
    },
  };
}

/** Ranges joined where they overlap or touch. */
function mergeRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

/**
 * The first `n` code files (not tests, not prose) with a unit shown whole or pruned, in rank order,
 * each with the best-ranked of those units.
 */
function filesShownFirst(
  index: RetrievalIndex,
  ranked: readonly RankedUnit[],
  chosen: ReadonlyMap<number, Choice>,
  n: number,
): { file: WorkspacePath; by: RankedUnit }[] {
  const out: { file: WorkspacePath; by: RankedUnit }[] = [];
  for (const r of ranked) {
    if (out.length >= n) break;
    const c = chosen.get(r.unit);
    if (!c || c.bare || c.detail === "elided") continue;
    const file = index.units[r.unit]!.file;
    if (isProsePath(file) || isTestPath(file) || out.some((f) => f.file === file)) continue;
    out.push({ file, by: r });
  }
  return out;
}

/** A file's module-level import statements, by the module-code unit that holds them. */
function importsByUnit(index: RetrievalIndex, file: WorkspacePath): Map<number, Range[]> {
  const out = new Map<number, Range[]>();
  const facts = index.files.get(file);
  const lines = index.lines.get(file);
  if (!facts || !lines) return out;
  const blockAt = (line: number) => {
    const u = index.unitAt(file, line);
    return u !== undefined && index.units[u]!.kind === "block" ? u : undefined;
  };
  for (const [start, end] of importStatements(facts, lines, (line) => blockAt(line) !== undefined)) {
    // A statement stays within its unit: module code is cut only where a definition begins.
    const u = blockAt(start) ?? blockAt(end);
    if (u === undefined) continue;
    const unit = index.units[u]!;
    const ranges = out.get(u) ?? [];
    ranges.push([Math.max(start, unit.start), Math.min(end, unit.end)]);
    out.set(u, ranges);
  }
  return out;
}

/** An elided block of prose shows a heading and nothing else: never worth its room. */
function headingOnlyWhenElided(unit: Unit): boolean {
  return unit.kind === "block" && isProsePath(unit.file);
}

/**
 * Files the question points into: a definition it names, a path, a `file:line` or a phrase quoted
 * from the code. Such a file is what the question is about, so its full spans are not capped.
 */
function filesTheQuestionNames(index: RetrievalIndex, ranked: readonly RankedUnit[]): Set<WorkspacePath> {
  const files = new Set<WorkspacePath>();
  for (const r of ranked)
    for (const reason of r.reasons)
      if (
        reason.kind === "identifier" ||
        reason.kind === "path" ||
        reason.kind === "line" ||
        reason.kind === "phrase"
      ) {
        files.add(index.units[r.unit]!.file);
        break;
      }
  return files;
}

/** The files of the best-ranked units that are code, not prose: the first `n` distinct, best first. */
function bestCodeFiles(index: RetrievalIndex, ranked: readonly RankedUnit[], n: number): WorkspacePath[] {
  const files: WorkspacePath[] = [];
  for (const r of ranked) {
    const file = index.units[r.unit]!.file;
    if (isProsePath(file) || files.includes(file)) continue;
    files.push(file);
    if (files.length === n) break;
  }
  return files;
}

/**
 * The definitions of `file` not chosen yet, in the order its signatures are named: classes and
 * functions (the module's shape) before methods, each best-scored first, then in file order.
 * Each carries a `bestFile` reason with the file's place among the best code files, ranked or not.
 */
function bestFileDefinitions(
  index: RetrievalIndex,
  ranked: readonly RankedUnit[],
  file: WorkspacePath,
  place: number,
  chosen: ReadonlyMap<number, Choice>,
): RankedUnit[] {
  const reason: Reason = { kind: "bestFile", file, place };
  const scoreOf = new Map<number, RankedUnit>();
  for (const r of ranked) if (index.units[r.unit]!.file === file) scoreOf.set(r.unit, r);
  const out: RankedUnit[] = [];
  for (const unit of index.unitsByFile.get(file) ?? []) {
    if (chosen.has(unit)) continue;
    const r = scoreOf.get(unit);
    out.push(r ? { ...r, reasons: [...r.reasons, reason] } : { unit, score: 0, reasons: [reason] });
  }
  const isMethod = (u: number) => (index.units[u]!.kind === "method" ? 1 : 0);
  return out.sort(
    (a, b) => isMethod(a.unit) - isMethod(b.unit) || b.score - a.score || index.compareUnits(a.unit, b.unit),
  );
}

/**
 * The class header units of the chosen methods whose class is not chosen, in the order their
 * methods were chosen (best first), each with an `owner` reason naming the method.
 */
function ownersOfChosen(
  index: RetrievalIndex,
  ranked: readonly RankedUnit[],
  chosen: ReadonlyMap<number, Choice>,
): RankedUnit[] {
  const out = new Map<number, RankedUnit>();
  let scoreOf: Map<number, RankedUnit> | undefined;
  for (const c of chosen.values()) {
    const method = index.units[c.ranked.unit]!;
    if (method.kind !== "method") continue;
    const dot = method.name.lastIndexOf(".");
    if (dot < 0) continue;
    const owner = method.name.slice(0, dot);
    const header = classHeader(index, method.file, owner);
    if (header === undefined || chosen.has(header) || out.has(header)) continue;
    if (!scoreOf) {
      scoreOf = new Map();
      for (const r of ranked) scoreOf.set(r.unit, r);
    }
    // It stands or falls with its method: when the exact count overshoots, it is dropped no sooner.
    const reason: Reason = { kind: "owner", method: method.name };
    const r = scoreOf.get(header);
    const score = Math.max(r?.score ?? 0, c.ranked.score);
    out.set(header, { unit: header, score, reasons: [...(r?.reasons ?? []), reason] });
  }
  return [...out.values()];
}

/** The header unit of class `name` (qualified) in `file`: its definition, found by name. */
function classHeader(index: RetrievalIndex, file: WorkspacePath, name: string): number | undefined {
  for (const u of index.definitions.get(name) ?? []) {
    const unit = index.units[u]!;
    if (unit.file === file && unit.name === name && unit.kind !== "method" && unit.kind !== "function") return u;
  }
  return undefined;
}

/** A run of signatures gives its best unit's reasons, and says when it names the best file's definitions. */
function runReasons(best: Choice, run: readonly Choice[]): Reason[] {
  const named = (c: Choice) => c.ranked.reasons.find((r) => r.kind === "bestFile");
  if (named(best)) return best.ranked.reasons;
  const other = run.map(named).find((r) => r !== undefined);
  return other ? [...best.ranked.reasons, other] : best.ranked.reasons;
}

function historyState(options: ContextOptions): Pick<ContextPackage, "history"> {
  if (options.history) return { history: { state: "used", commits: options.history.size } };
  if (options.historyUnavailable) return { history: { state: "unavailable", reason: options.historyUnavailable } };
  return {};
}

function isTypeOnPath(r: RankedUnit, unit: Unit): boolean {
  return (
    r.pathStep !== undefined &&
    (unit.kind === "class" || unit.kind === "interface") &&
    r.reasons.some((x) => x.kind === "explain" && x.role === "type")
  );
}

/**
 * Puts focus locations (a call path) ahead of the ranking, in their order,
 * each with an `explain` reason; the rest of the ranking follows.
 */
function withFocus(index: RetrievalIndex, ranked: RankedUnit[], options: ContextOptions): RankedUnit[] {
  if (!options.focus?.length) return ranked;
  const top = ranked[0]?.score ?? 1;
  const focused: RankedUnit[] = [];
  const seen = new Set<number>();
  options.focus.forEach((loc, step) => {
    const unit = index.unitAt(loc.file, loc.line);
    if (unit === undefined || seen.has(unit)) return;
    seen.add(unit);
    const base = ranked.find((r) => r.unit === unit);
    focused.push({
      unit,
      score: Math.round((top + 10 - step * 0.01) * 1e4) / 1e4,
      reasons: [{ kind: "explain", role: loc.role }, ...(base?.reasons ?? [])],
      pathStep: step,
    });
  });
  return [...focused, ...ranked.filter((r) => !seen.has(r.unit))];
}

type Rendered = Omit<ContextPackage, "pruned" | "stats" | "scorer">;

function render(
  index: RetrievalIndex,
  counter: TokenCounter,
  question: string,
  budget: number,
  chosen: ReadonlyMap<number, Choice>,
  order: SpanOrder,
  outlineReserve: number,
  trailer = "",
  massOf?: (file: string, ranges: readonly Range[]) => number,
): Rendered {
  const byFile = new Map<string, Choice[]>();
  for (const c of chosen.values()) {
    const file = index.units[c.ranked.unit]!.file;
    const list = byFile.get(file);
    if (list) list.push(c);
    else byFile.set(file, [c]);
  }
  const groups = [...byFile.entries()].map(([file, choices]) => ({
    file,
    choices: choices.sort((a, b) => index.units[a.ranked.unit]!.start - index.units[b.ranked.unit]!.start),
    best: Math.max(...choices.map((c) => c.ranked.score)),
    pathStep: Math.min(...choices.map((c) => c.ranked.pathStep ?? Infinity)),
    mass:
      order === "attention" && massOf
        ? Math.round(choices.reduce((m, c) => m + massOf(file, c.ranges), 0) * 1e4) / 1e4
        : 0,
  }));
  const ordered = orderGroups(groups, order);

  // The outline names every file shown. The strongest files (or those along the call path) also
  // list their picked symbols, and the strongest of those their other symbols too, as far as the
  // outline's share of the budget allows (binary searches on how many: each try is an exact
  // count). Only when even the bare list of files does not fit are the weakest left out of it.
  const byStrength =
    order === "path" ? ordered : [...groups].sort((a, b) => b.best - a.best || (a.file < b.file ? -1 : 1));
  const outlineOf = (files: number, picked: number, full: number) =>
    renderOutline(
      byStrength.slice(0, files).map((g, i) => ({
        file: index.files.get(g.file)!,
        lines: index.lines.get(g.file)!,
        picked: new Set(g.choices.map((c) => index.units[c.ranked.unit]!.name)),
        detail: i < full ? ("full" as const) : i < picked ? ("picked" as const) : ("name" as const),
      })),
      order === "path",
    ) + "\n";
  /** The largest k in [0, n] for which make(k) fits, and its text ("" when none does). */
  const largest = (n: number, make: (k: number) => string): [number, string] => {
    let best: [number, string] = [-1, ""];
    let lo = 0;
    let hi = n;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const candidate = make(mid);
      if (counter.count(candidate) <= outlineReserve) {
        best = [mid, candidate];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  };
  const n = byStrength.length;
  let outline = "";
  if (n > 0) {
    const [files, bare] = largest(n, (k) => outlineOf(k, 0, 0));
    if (files < n) outline = files > 0 ? bare : "";
    else {
      const [picked, withPicked] = largest(n, (k) => outlineOf(n, k, 0));
      const [, withFull] = largest(picked, (k) => outlineOf(n, picked, k));
      outline = withFull || withPicked;
    }
  }

  let code = "# Code\n";
  const spans: ContextSpan[] = [];
  for (const g of ordered) {
    code += fileHeader(g.file);
    for (let i = 0; i < g.choices.length; i++) {
      const c = g.choices[i]!;
      const unit = index.units[c.ranked.unit]!;
      const id = `S${spans.length + 1}`;
      if (c.bare) {
        // A run of bare signatures next to one another in the file is one span.
        const run = [c];
        while (g.choices[i + 1]?.bare) run.push(g.choices[++i]!);
        const best = run.reduce((x, y) => (y.ranked.score > x.ranked.score ? y : x));
        const named = run.map((x) => ({ unit: index.units[x.ranked.unit]!, ranges: x.ranges }));
        code += renderSignatures(id, named, index.lines.get(g.file)!) + "\n";
        spans.push({
          id,
          file: g.file,
          ranges: run.flatMap((x) => x.ranges),
          ...(run.length === 1 ? { symbol: unit.name } : {}),
          detail: "signatures",
          score: best.ranked.score,
          reasons: runReasons(best, run),
          tokens: run.reduce((n, x) => n + x.tokens, 0),
          lineScores: [],
        });
        continue;
      }
      code += renderSpan(id, unit, c.detail, index.lines.get(unit.file)!, c.ranges, c.imports && IMPORTS_NOTE) + "\n";
      spans.push({
        id,
        file: unit.file,
        ranges: c.ranges,
        ...(unit.name !== "<module>" ? { symbol: unit.name } : {}),
        detail: c.detail,
        score: c.ranked.score,
        reasons: c.ranked.reasons,
        tokens: c.tokens,
        lineScores: [],
      });
    }
  }
  const text = CONTEXT_PREAMBLE + outline + code + trailer;
  const outlineTokens = outline ? counter.count(outline) : 0;
  const trailerTokens = trailer ? counter.count(trailer) : 0;
  const tokens = counter.count(text);
  return {
    question,
    budget,
    tokens,
    encoding: counter.encoding,
    text,
    spans,
    sections: {
      outline: outlineTokens,
      spans: tokens - outlineTokens - trailerTokens,
      ...(trailer ? { history: trailerTokens } : {}),
    },
    ...(order === "attention" ? { attentionOrder: ordered.map((g) => ({ file: g.file, mass: g.mass })) } : {}),
  };
}

/** Share of the budget a "Recent history" section may take. */
const RECENT_HISTORY_SHARE = 0.04;
/** Commits listed at most. */
const RECENT_HISTORY_COMMITS = 6;
/**
 * Questions about how code came to be as it is get the section without asking. Narrow on
 * purpose: "why" and "when" alone start most bug reports, and the section takes room from code.
 */
const ASKS_ABOUT_CHANGE =
  /\b(history|historical|introduc(ed|tion)|regress\w*|commits?|used to|originally|rationale|changed (in|since|by|when)|when (was|were|did) \w+( \w+)? (added|introduced|changed|removed))\b/i;

/**
 * "Recent history": the commits that touched the best-ranked shown spans, newest
 * first among equals, one line each (`[C1] 1a2b3c4 2019-05-02 subject (touched …)`),
 * as many as fit `reserve` tokens. Each is citable as `[C1]`.
 */
function recentHistory(
  index: RetrievalIndex,
  counter: TokenCounter,
  history: HistoryLookup,
  chosen: ReadonlyMap<number, Choice>,
  reserve: number,
): { text: string; commits: ContextCommit[] } | undefined {
  const shown = [...chosen.values()]
    .sort((a, b) => b.ranked.score - a.ranked.score || index.compareUnits(a.ranked.unit, b.ranked.unit))
    .map((c) => index.units[c.ranked.unit]!)
    .filter((u) => u.name !== "<module>");
  const names = new Map<string, string>();
  const definitions = shown.map((u) => {
    const name = simpleName(u.name);
    names.set(`${u.file}\n${name}`, u.name);
    return { file: u.file, name };
  });
  const commits: ContextCommit[] = [];
  let text = "# Recent history\n";
  for (const c of history.touching(definitions, RECENT_HISTORY_COMMITS)) {
    const id = `C${commits.length + 1}`;
    const date = new Date(c.time * 1000).toISOString().slice(0, 10);
    const symbols = c.touched.map((t) => names.get(`${t.file}\n${t.name}`) ?? t.name);
    const subject = c.subject.length > 100 ? c.subject.slice(0, 99) + "…" : c.subject;
    const line = `[${id}] ${c.id.slice(0, 7)} ${date} ${subject} (touched ${symbols.slice(0, 4).join(", ")}${symbols.length > 4 ? ", …" : ""})\n`;
    if (counter.count(text + line) > reserve) break;
    text += line;
    commits.push({ id, commit: c.id, date, subject: c.subject, symbols });
  }
  return commits.length > 0 ? { text, commits } : undefined;
}

/**
 * `edges` (default) puts the strongest files first and last, where models
 * attend best, and the weakest in the middle; `score` is strongest first;
 * `source` is by path; `attention` is by the local model's attention mass,
 * weakest first, so the file it attends to most sits next to the question.
 */
function orderGroups<G extends { file: string; best: number; pathStep: number; mass: number }>(
  groups: G[],
  order: SpanOrder,
): G[] {
  const byScore = [...groups].sort((a, b) => b.best - a.best || (a.file < b.file ? -1 : 1));
  if (order === "score") return byScore;
  if (order === "attention")
    return [...groups].sort((a, b) => a.mass - b.mass || a.best - b.best || (a.file < b.file ? -1 : 1));
  if (order === "path")
    return [...groups].sort((a, b) => a.pathStep - b.pathStep || b.best - a.best || (a.file < b.file ? -1 : 1));
  if (order === "source") return [...groups].sort((a, b) => (a.file < b.file ? -1 : 1));
  const front: G[] = [];
  const back: G[] = [];
  byScore.forEach((g, i) => (i % 2 === 0 ? front.push(g) : back.unshift(g)));
  return [...front, ...back];
}

function emptyPackage(counter: TokenCounter, question: string, budget: number): Rendered {
  return {
    question,
    budget,
    tokens: 0,
    encoding: counter.encoding,
    text: "",
    spans: [],
    sections: { outline: 0, spans: 0 },
  };
}

const ms = (x: number) => Math.round(x * 10) / 10;

/** The lines of [start, end] outside `ranges` (sorted, disjoint). */
function complement(ranges: readonly Range[], start: number, end: number): Range[] {
  const out: Range[] = [];
  let next = start;
  for (const [a, b] of ranges) {
    if (a > next) out.push([next, a - 1]);
    next = Math.max(next, b + 1);
  }
  if (next <= end) out.push([next, end]);
  return out;
}
