import type { RetrievalIndex } from "./retrieval-index";
import type { Range } from "./types";

/**
 * The lexical scorer's per-line importance: how much of the question's
 * vocabulary a line carries, each term weighted by its rarity (BM25 idf),
 * scaled to 0..1 across the package. It is what the inspector's heat map
 * shows when no local model ran.
 */
export function lexicalLineScores(
  index: RetrievalIndex,
  question: string,
  shown: readonly { file: string; ranges: readonly Range[] }[],
): number[][] {
  const query = index.vocabulary.query(question);
  const weight = new Map<number, number>();
  for (const term of query.keys()) weight.set(term, index.unitSearch.idf(term));
  let max = 0;
  const raw = shown.map(({ file, ranges }) => {
    const lines = index.lines.get(file) ?? [];
    const scores: number[] = [];
    for (const [start, end] of ranges) {
      for (let n = start; n <= end; n++) {
        const counts = new Map<number, number>();
        index.vocabulary.count(lines[n - 1] ?? "", counts);
        let s = 0;
        for (const term of counts.keys()) s += weight.get(term) ?? 0;
        scores.push(s);
        max = Math.max(max, s);
      }
    }
    return scores;
  });
  return raw.map((scores) => scores.map((s) => (max > 0 ? Math.round((s / max) * 1000) / 1000 : 0)));
}
