import { Bm25Index } from "../../context/bm25";
import type { ContextPackage } from "../../context/types";
import { Vocabulary } from "../../context/vocabulary";
import type { Episode } from "./types";

/** An earlier turn judged relevant to the new question, and why. */
export interface RecallCandidate {
  episode: Episode;
  score: number;
  /** Human-readable reasons: shared words, files, symbols. */
  why: string[];
}

/** The new question's best spans, whose files and symbols an earlier turn may share: its focus. */
const TOPIC_SPANS = 3;
/** Bonus for one shared symbol and one shared file, and the most overlap may add. */
const SYMBOL_OVERLAP = 0.25;
const FILE_OVERLAP = 0.1;
const MAX_OVERLAP = 0.5;
/** A turn is recalled only above this score, and only within this share of the best turn's score. */
const MIN_SCORE = 0.5;
const RELATIVE_FLOOR = 0.6;

/**
 * Scores earlier turns for a new question: BM25 of the question against each turn's question and
 * answer, divided by the sum of the idf of the question's terms that occur in any turn. That is
 * what a turn holding each of those terms once, at average length, would score, so the lexical
 * part runs from 0 to about 1 whatever the conversation (raw BM25 over a handful of turns is not
 * calibrated, and no threshold on it would mean the same in two conversations). Then a bonus for
 * the files and symbols the turn was about that the new question's best spans share. Returns the
 * turns worth recalling, best first.
 */
export function rankEpisodes(
  episodes: readonly Episode[],
  question: string,
  pack: Pick<ContextPackage, "spans">,
): RecallCandidate[] {
  if (episodes.length === 0) return [];
  const vocabulary = new Vocabulary();
  const docs = episodes.map((e) => {
    const counts = new Map<number, number>();
    vocabulary.count(`${e.question}\n${e.answer}`, counts);
    return counts;
  });
  const bm25 = Bm25Index.fromCounts(docs);
  const query = vocabulary.query(question);
  const known = [...query.keys()].filter((t) => bm25.df(t) > 0);
  const total = known.reduce((n, t) => n + bm25.idf(t), 0);
  const lexical = new Map<number, { score: number; terms: number[] }>();
  for (const hit of bm25.search(query, episodes.length)) lexical.set(hit.doc, hit);
  const top = [...pack.spans].sort((a, b) => b.score - a.score).slice(0, TOPIC_SPANS);
  const files = new Set(top.map((s) => s.file));
  const symbols = new Set(top.flatMap((s) => (s.symbol ? [s.symbol] : [])));
  const scored = episodes.map((episode, i): RecallCandidate => {
    const why: string[] = [];
    const hit = lexical.get(i);
    let score = hit && total > 0 ? hit.score / total : 0;
    if (hit?.terms.length)
      why.push(
        `shares words: ${hit.terms
          .slice(0, 5)
          .map((t) => vocabulary.terms[t]!)
          .join(", ")}`,
      );
    const sharedSymbols = episode.symbols.filter((s) => symbols.has(s));
    const sharedFiles = episode.files.filter((f) => files.has(f));
    if (sharedSymbols.length) why.push(`same symbols: ${sharedSymbols.slice(0, 3).join(", ")}`);
    else if (sharedFiles.length) why.push(`same files: ${sharedFiles.slice(0, 3).join(", ")}`);
    score += Math.min(MAX_OVERLAP, SYMBOL_OVERLAP * sharedSymbols.length + FILE_OVERLAP * sharedFiles.length);
    return { episode, score: Math.round(score * 100) / 100, why };
  });
  const best = Math.max(...scored.map((s) => s.score));
  return scored
    .filter((s) => s.score >= MIN_SCORE && s.score >= best * RELATIVE_FLOOR)
    .sort((a, b) => b.score - a.score || b.episode.turn - a.episode.turn);
}
