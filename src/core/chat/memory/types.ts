import type { Range } from "../../context/types";

/** A span as it was sent in one turn's context: enough to check a later citation against it. */
export interface SentSpan {
  file: string;
  ranges: Range[];
  symbol?: string;
}

/**
 * One answered turn, kept whole for episodic recall. The answer has its span ids rewritten as
 * `path:lines`, because `[S3]` means nothing outside the context it was written against.
 */
export interface Episode {
  /** 1-based turn number in the conversation. */
  turn: number;
  question: string;
  answer: string;
  /** Every span of the context that turn sent, for validating citations to it later. */
  sent: SentSpan[];
  /** What the turn was about: the files and symbols it cited, else its best spans. */
  files: string[];
  symbols: string[];
}

/** The running summary: turns 1..`through` folded into a few paragraphs by the chat model. */
export interface MemorySummary {
  text: string;
  through: number;
}

/** A conversation's memory (HEMA): a compact summary plus every turn, for recall. */
export interface ConversationMemory {
  version: 1;
  summary?: MemorySummary;
  episodes: Episode[];
}

export function emptyMemory(): ConversationMemory {
  return { version: 1, episodes: [] };
}
