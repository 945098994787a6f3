import { receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import type { Tiktoken, TiktokenEncoding } from "tiktoken";
import { Slot, type EncoderChannel } from "./token-channel";

/**
 * Worker thread entry for `WorkerEncoder`: loads tiktoken's encoder, then
 * answers one count at a time through shared memory, blocked in
 * `Atomics.wait` between requests (see `worker-encoder.ts` for the protocol).
 */
const { encoding, control, data, port } = workerData as EncoderChannel & {
  encoding: TiktokenEncoding;
  port: MessagePort;
};
const ctl = new Int32Array(control);
let bytes = Buffer.from(data);
let encoder: Tiktoken | undefined;
try {
  // Required here, not imported, so a failure to load it still answers (-1: the counter falls back).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  encoder = (require("tiktoken") as typeof import("tiktoken")).get_encoding(encoding);
} catch {
  encoder = undefined;
}

let answered = 0;
for (;;) {
  Atomics.wait(ctl, Slot.request, answered);
  const request = Atomics.load(ctl, Slot.request);
  const length = ctl[Slot.length]!;
  let result = -1;
  if (length < 0) {
    // The text outgrew the buffer: a larger one waits on the port.
    const next = receiveMessageOnPort(port)?.message as SharedArrayBuffer | undefined;
    if (next) {
      bytes = Buffer.from(next);
      result = 0;
    }
  } else if (encoder) {
    result = encoder.encode_ordinary(bytes.toString("utf8", 0, length)).length;
  }
  ctl[Slot.result] = result;
  answered = request;
  Atomics.store(ctl, Slot.answer, request);
  Atomics.notify(ctl, Slot.answer);
}
