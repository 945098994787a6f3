import * as z from "zod";
import type { ConversationMemory } from "./types";
import { emptyMemory } from "./types";

const range = z.tuple([z.number().int(), z.number().int()]);
const episode = z.object({
  turn: z.number().int().positive(),
  question: z.string(),
  answer: z.string(),
  sent: z.array(z.object({ file: z.string(), ranges: z.array(range), symbol: z.string().optional() })),
  files: z.array(z.string()),
  symbols: z.array(z.string()),
});
const memorySchema = z.object({
  version: z.literal(1),
  summary: z.object({ text: z.string(), through: z.number().int().nonnegative() }).optional(),
  episodes: z.array(episode),
});

/** Turns kept at most; recall searches them all, so the store stays bounded. */
const MAX_EPISODES = 200;

/**
 * Reads stored memory. Anything that is not exactly a memory (corrupt, truncated, another
 * version) is never trusted: it comes back empty, with the reason for the host to report.
 */
export function readMemory(stored: unknown): { memory: ConversationMemory; problem?: string } {
  if (stored === undefined || stored === null) return { memory: emptyMemory() };
  const parsed = memorySchema.safeParse(stored);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return {
      memory: emptyMemory(),
      problem: `the stored conversation memory is unreadable (${issue?.message ?? "invalid"}${where})`,
    };
  }
  const memory = parsed.data as ConversationMemory;
  for (let i = 1; i < memory.episodes.length; i++)
    if (memory.episodes[i]!.turn <= memory.episodes[i - 1]!.turn)
      return { memory: emptyMemory(), problem: "the stored conversation memory is unreadable (turns out of order)" };
  return { memory };
}

/** What to store: the summary and the newest turns. */
export function storedMemory(memory: ConversationMemory): ConversationMemory {
  return memory.episodes.length <= MAX_EPISODES
    ? memory
    : { ...memory, episodes: memory.episodes.slice(-MAX_EPISODES) };
}

/** Parses a conversation file's text (the CLI's `--conversation`). */
export function parseMemoryFile(text: string): { memory: ConversationMemory; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { memory: emptyMemory(), problem: `the conversation file is not JSON (${(e as Error).message})` };
  }
  return readMemory(json);
}
