export type { ConversationMemory, Episode, MemorySummary, SentSpan } from "./types";
export { emptyMemory } from "./types";
export { memoryOfTurns, remember } from "./episode";
export { planMemory, type IncludedTurn, type MemoryPlan } from "./compose";
export { SUMMARY_INSTRUCTION, foldMemory, type FoldResult } from "./summarize";
export { parseMemoryFile, readMemory, storedMemory } from "./store";
