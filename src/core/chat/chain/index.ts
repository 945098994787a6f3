export { splitIntoChunks, type Chunk } from "./chunks";
export {
  DEEP_FACTOR,
  deepAnswer,
  pathExceedsBudget,
  workerOf,
  type ChainCall,
  type ChainRecord,
  type DeepAnswerRecord,
  type DeepEstimate,
  type DeepEvent,
  type DeepRequest,
} from "./deep-answer";
export { MANAGER_PROMPT, WORKER_PROMPT } from "./prompts";
