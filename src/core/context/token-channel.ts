/**
 * The shared memory between `WorkerEncoder` and its worker (`token-worker.ts`),
 * apart from both so the worker loads nothing but this and tiktoken.
 */

/** The Int32 slots of the shared control block. */
export const Slot = {
  /** Number of the latest request (written by the caller). */
  request: 0,
  /** Number of the latest answered request (written by the worker). */
  answer: 1,
  /** UTF-8 bytes of the text in the data buffer; -1: a larger buffer waits on the port. */
  length: 2,
  /** The count; -1 when the worker has no encoder. */
  result: 3,
} as const;

export interface EncoderChannel {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}
