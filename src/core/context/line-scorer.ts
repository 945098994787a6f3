import type { RetrievalIndex } from "./retrieval-index";
import type { Range, ScorerInfo } from "./types";

/** Importance of single lines for a question: what pruning keeps and the inspector's heat map shows. */
export interface LineScorer {
  readonly info: ScorerInfo;
  /** A score ≥ 0 for a 1-based line; comparable across files within one package. */
  score(file: string, line: number): number;
}

/**
 * The lexical scorer: how much of the question's vocabulary a line carries,
 * each term weighted by its rarity (BM25 idf). Used when no local model runs.
 */
export function lexicalScorer(index: RetrievalIndex, question: string): LineScorer {
  const weight = new Map<number, number>();
  for (const term of index.query(question).keys()) weight.set(term, index.unitSearch.idf(term));
  const counts = new Map<number, number>();
  // Pruning asks for the same lines again as it halves a span, and the package's heat map asks once more.
  const memo = new Map<string, Map<number, number>>();
  const compute = (file: string, line: number) => {
    const text = index.lines.get(file)?.[line - 1];
    if (!text) return 0;
    counts.clear();
    index.vocabulary.count(text, counts);
    let s = 0;
    for (const term of counts.keys()) s += weight.get(term) ?? 0;
    return s;
  };
  return {
    info: { kind: "lexical" },
    score(file, line) {
      let lines = memo.get(file);
      if (!lines) memo.set(file, (lines = new Map()));
      let s = lines.get(line);
      if (s === undefined) lines.set(line, (s = compute(file, line)));
      return s;
    },
  };
}

/** A scorer over precomputed per-line scores (the local model's), 0 for lines it did not score. */
export function tableScorer(info: ScorerInfo, table: ReadonlyMap<string, ReadonlyMap<number, number>>): LineScorer {
  return { info, score: (file, line) => table.get(file)?.get(line) ?? 0 };
}

/** Per-span line scores in `ranges` order, scaled to 0..1 across the package. */
export function packageLineScores(
  scorer: LineScorer,
  shown: readonly { file: string; ranges: readonly Range[] }[],
): number[][] {
  let max = 0;
  const raw = shown.map(({ file, ranges }) => {
    const scores: number[] = [];
    for (const [start, end] of ranges)
      for (let n = start; n <= end; n++) {
        const s = scorer.score(file, n);
        scores.push(s);
        max = Math.max(max, s);
      }
    return scores;
  });
  return raw.map((scores) => scores.map((s) => (max > 0 ? Math.round((s / max) * 1000) / 1000 : 0)));
}
