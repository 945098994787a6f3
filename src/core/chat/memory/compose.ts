import type { TokenCounter } from "../../context/token-counter";
import type { ContextPackage } from "../../context/types";
import type { ChatMessage } from "../client";
import { turnTokens } from "./episode";
import { rankEpisodes } from "./recall";
import type { ConversationMemory, Episode } from "./types";

/** The summary may take at most this share of the memory budget; recalled and recent turns share the rest. */
const SUMMARY_SHARE = 1 / 3;

/** One earlier turn as the prompt carries it. */
export interface IncludedTurn {
  turn: number;
  question: string;
  tokens: number;
  /** `latest`: the turn just before; `recalled`: relevant to the question; `recent`: room was left. */
  how: "latest" | "recalled" | "recent";
  /** For a recalled turn: its relevance and why. */
  score?: number;
  why?: string[];
}

/** What of the memory goes into one prompt. */
export interface MemoryPlan {
  /** The included turns in conversation order (the summary joins the system message: some servers accept only one, first). */
  messages: ChatMessage[];
  summary?: { text: string; through: number; tokens: number };
  turns: IncludedTurn[];
  /** Tokens of the summary and of the turns. */
  summaryTokens: number;
  turnTokens: number;
  /** Turns neither included nor folded into the summary. */
  dropped: number;
  /** The episodes whose content is in the prompt (directly or through the summary): citations to them are checked against what they sent. */
  cited: Episode[];
}

/**
 * Chooses what the model sees of the conversation, within `budget` tokens: the running summary,
 * then the latest turn (follow-ups lean on it), then earlier turns relevant to the question
 * (whole or not at all, best first), then other turns not yet summarised, newest first.
 */
export function planMemory(
  memory: ConversationMemory,
  question: string,
  pack: Pick<ContextPackage, "spans">,
  budget: number,
  counter: TokenCounter,
): MemoryPlan {
  const summaryMessage = memory.summary ? summaryText(memory.summary) : undefined;
  let used = 0;
  let summary: MemoryPlan["summary"];
  if (memory.summary && summaryMessage) {
    const fitted = fitText(summaryMessage, Math.floor(budget * SUMMARY_SHARE), counter);
    if (fitted) {
      summary = { text: fitted.text, through: memory.summary.through, tokens: fitted.tokens };
      used += fitted.tokens;
    }
  }
  const summaryTokens = used;
  const included = new Map<number, IncludedTurn>();
  const tryInclude = (e: Episode, how: IncludedTurn["how"], extra: Partial<IncludedTurn> = {}) => {
    if (included.has(e.turn)) return;
    const n = turnTokens(e, counter);
    if (used + n > budget) return;
    used += n;
    included.set(e.turn, { turn: e.turn, question: e.question, tokens: n, how, ...extra });
  };
  const latest = memory.episodes.at(-1);
  if (latest) tryInclude(latest, "latest");
  for (const c of rankEpisodes(memory.episodes.slice(0, -1), question, pack))
    tryInclude(c.episode, "recalled", { score: c.score, why: c.why });
  const summarised = memory.summary?.through ?? 0;
  for (let i = memory.episodes.length - 1; i >= 0; i--) {
    const e = memory.episodes[i]!;
    if (e.turn > summarised) tryInclude(e, "recent");
  }
  const turns = memory.episodes.filter((e) => included.has(e.turn));
  const messages: ChatMessage[] = [];
  for (const e of turns) messages.push({ role: "user", content: e.question }, { role: "assistant", content: e.answer });
  const summaryCovers = (e: Episode) => !!summary && e.turn <= summary.through;
  return {
    messages,
    ...(summary ? { summary } : {}),
    turns: turns.map((e) => included.get(e.turn)!),
    summaryTokens,
    turnTokens: used - summaryTokens,
    dropped: memory.episodes.filter((e) => !included.has(e.turn) && !summaryCovers(e)).length,
    cited: memory.episodes.filter((e) => included.has(e.turn) || summaryCovers(e)),
  };
}

function summaryText(summary: { text: string; through: number }): string {
  const range = summary.through === 1 ? "turn 1" : `turns 1-${summary.through}`;
  return `Summary of this conversation so far (${range}):\n${summary.text.trim()}`;
}

/** The text, or as many of its leading lines as fit, marked as cut; undefined when not even one fits. */
function fitText(text: string, budget: number, counter: TokenCounter): { text: string; tokens: number } | undefined {
  const tokens = counter.count(text);
  if (tokens <= budget) return { text, tokens };
  const lines = text.split("\n");
  for (let n = lines.length - 1; n >= 1; n--) {
    const cut = lines.slice(0, n).join("\n") + "\n…";
    const t = counter.count(cut);
    if (t <= budget) return { text: cut, tokens: t };
  }
  return undefined;
}
