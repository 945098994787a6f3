export type { ConversationMemory, Episode, MemorySummary, SentSpan } from "./types";
export { emptyMemory } from "./types";
export { episodeOf, memoryOfTurns, remember } from "./episode";
export { planMemory, summaryText, type IncludedTurn, type MemoryPlan } from "./compose";
export { rankEpisodes, type RecallCandidate } from "./recall";
export {
  FOLD_AFTER_TURNS,
  KEEP_VERBATIM,
  SUMMARY_INSTRUCTION,
  foldMemory,
  summaryMessages,
  turnsToFold,
  type FoldResult,
} from "./summarize";
export { MAX_EPISODES, parseMemoryFile, readMemory, storedMemory } from "./store";
