import type { TokenCounter } from "../../context/token-counter";
import { type ChatMessage, type EndpointConfig, type Sleep, streamChat } from "../client";
import type { ChatError } from "../errors";
import { turnTokens } from "./episode";
import type { ConversationMemory, Episode } from "./types";

/** Fold once the turns not yet summarised exceed this many, or this share of the context budget. */
const FOLD_AFTER_TURNS = 6;
const FOLD_AFTER_SHARE = 0.4;
/** The newest turns stay verbatim; only older ones are folded. */
const KEEP_VERBATIM = 2;
/** The summary's own output limit: it must stay a small share of the prompt. */
const SUMMARY_MAX_TOKENS = 400;

export const SUMMARY_INSTRUCTION = `You maintain the running summary of a conversation about a codebase.
Rewrite the summary so that it also covers the new turns below. Keep: what the user wanted, what was found, the conclusions, and open questions.
Keep every file and symbol the turns rely on as plain references: path:start-end or path plus the symbol name. Do not invent references.
Write at most 200 words of plain Markdown. Reply with the summary only.`;

/** The turns to fold now (oldest first), or none when the conversation is under the threshold. */
function turnsToFold(memory: ConversationMemory, budget: number, counter: TokenCounter): Episode[] {
  const through = memory.summary?.through ?? 0;
  const open = memory.episodes.filter((e) => e.turn > through);
  if (open.length <= KEEP_VERBATIM) return [];
  const tokens = open.reduce((n, e) => n + turnTokens(e, counter), 0);
  if (open.length <= FOLD_AFTER_TURNS && tokens <= budget * FOLD_AFTER_SHARE) return [];
  return open.slice(0, open.length - KEEP_VERBATIM);
}

/** The summary request: the previous summary, then the turns to fold. */
function summaryMessages(previous: string | undefined, turns: readonly Episode[]): ChatMessage[] {
  let body = previous ? `Current summary:\n${previous.trim()}\n\n` : "There is no summary yet.\n\n";
  body += "New turns:\n";
  for (const t of turns) body += `\n[Turn ${t.turn}] User: ${t.question}\n[Turn ${t.turn}] Assistant: ${t.answer}\n`;
  return [
    { role: "system", content: SUMMARY_INSTRUCTION },
    { role: "user", content: body },
  ];
}

export type FoldResult =
  | { kind: "folded"; memory: ConversationMemory; turns: number[] }
  | { kind: "not-needed" }
  | { kind: "failed"; error: ChatError };

/**
 * The one extra call of compact memory: after an answer has streamed, fold the oldest turns
 * into the running summary. Memory is a value: on failure or cancel the caller keeps the old
 * one, so nothing is lost.
 */
export async function foldMemory(
  memory: ConversationMemory,
  endpoint: EndpointConfig,
  budget: number,
  counter: TokenCounter,
  signal?: AbortSignal,
  sleep?: Sleep,
): Promise<FoldResult> {
  const turns = turnsToFold(memory, budget, counter);
  if (turns.length === 0) return { kind: "not-needed" };
  const result = await streamChat(
    { ...endpoint, maxOutputTokens: Math.min(endpoint.maxOutputTokens, SUMMARY_MAX_TOKENS) },
    summaryMessages(memory.summary?.text, turns),
    { onDelta: () => undefined },
    signal,
    sleep,
  );
  if (!result.ok) return { kind: "failed", error: result.error };
  const text = result.text.trim();
  if (!text)
    return {
      kind: "failed",
      error: { code: "server_error", message: "The summary came back empty.", retryable: false },
    };
  return {
    kind: "folded",
    memory: { ...memory, summary: { text, through: turns.at(-1)!.turn } },
    turns: turns.map((t) => t.turn),
  };
}
