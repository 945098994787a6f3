import type { Citation } from "../../citations";
import type { TokenCounter } from "../../context/token-counter";
import type { ContextPackage } from "../../context/types";
import { rewriteCitations } from "../rewrite-citations";
import type { ConversationMemory, Episode } from "./types";

/** How many of a turn's best spans stand for its topic when it cited nothing. */
const TOPIC_SPANS = 3;

/** Token counts of turns by encoding: a turn never changes, and every question and every fold would count it again. */
const turnCounts = new WeakMap<Episode, Map<string, number>>();

/** A turn's question and answer in tokens, counted once per encoding. */
export function turnTokens(e: Episode, counter: TokenCounter): number {
  let byEncoding = turnCounts.get(e);
  if (!byEncoding) turnCounts.set(e, (byEncoding = new Map()));
  let n = byEncoding.get(counter.encoding);
  if (n === undefined) byEncoding.set(counter.encoding, (n = counter.count(e.question) + counter.count(e.answer)));
  return n;
}

/** A finished turn as memory keeps it. */
function episodeOf(
  turn: number,
  question: string,
  answer: string,
  citations: readonly Citation[],
  pack: Pick<ContextPackage, "spans">,
): Episode {
  const cited = citations.filter((c) => c.valid && c.file);
  const bySpan = new Map(pack.spans.map((s) => [s.id, s]));
  const topic = cited.length
    ? cited.map((c) => ({ file: c.file!, symbol: c.id ? bySpan.get(c.id)?.symbol : undefined }))
    : [...pack.spans]
        .sort((a, b) => b.score - a.score)
        .slice(0, TOPIC_SPANS)
        .map((s) => ({ file: s.file, symbol: s.symbol }));
  return {
    turn,
    question,
    answer: rewriteCitations(answer, citations),
    sent: pack.spans.map((s) => ({ file: s.file, ranges: s.ranges, ...(s.symbol ? { symbol: s.symbol } : {}) })),
    files: unique(topic.map((t) => t.file)),
    symbols: unique(topic.flatMap((t) => (t.symbol ? [t.symbol] : []))),
  };
}

/** The memory with one more turn; memory is a value, so a failed step leaves the old one intact. */
export function remember(
  memory: ConversationMemory,
  turn: { question: string; answer: string; citations: readonly Citation[]; context: Pick<ContextPackage, "spans"> },
): ConversationMemory {
  const n = (memory.episodes.at(-1)?.turn ?? 0) + 1;
  return {
    ...memory,
    episodes: [...memory.episodes, episodeOf(n, turn.question, turn.answer, turn.citations, turn.context)],
  };
}

/** Memory from plain earlier turns (hosts that keep only question and answer, like VS Code Chat). */
export function memoryOfTurns(
  turns: readonly { question: string; answer: string; citations: readonly Citation[] }[],
): ConversationMemory {
  return {
    version: 1,
    episodes: turns.map((t, i) => episodeOf(i + 1, t.question, t.answer, t.citations, { spans: [] })),
  };
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
