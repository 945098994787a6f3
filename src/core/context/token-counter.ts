import { LRUCache } from "lru-cache";
import { get_encoding, type Tiktoken, type TiktokenEncoding } from "tiktoken";

export const DEFAULT_ENCODING: TiktokenEncoding = "o200k_base";
export const ENCODINGS: readonly TiktokenEncoding[] = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];

/**
 * Counts are remembered by text, up to this many UTF-16 units of text in all.
 * Building one package counts the same spans and lines again as it renders,
 * binary-searches the outline and re-renders after an overshoot (about half
 * of a first question's counts), a follow-up question counts many of the
 * same spans, and BPE on a span costs far more than a lookup.
 */
const MEMO_UNITS = 4_000_000;

/** Counts the tokens of a text exactly; owns what it loaded until `dispose`. */
export interface Encoder {
  count(text: string): number;
  dispose(): void;
}

/** tiktoken on the calling thread: loading an encoder takes it a fraction of a second. */
export class TiktokenEncoder implements Encoder {
  private readonly tiktoken: Tiktoken;
  constructor(encoding: TiktokenEncoding) {
    this.tiktoken = get_encoding(encoding);
  }
  count(text: string): number {
    // Special-token text ("<|endoftext|>") in code is counted as ordinary text, as the API does.
    return this.tiktoken.encode_ordinary(text).length;
  }
  dispose(): void {
    this.tiktoken.free();
  }
}

/**
 * Exact token counts with tiktoken, remembered by text. The encoder runs on
 * this thread unless one is given (see `worker-encoder.ts`). Call `dispose`.
 */
export class TokenCounter {
  private readonly encoder: Encoder;
  private readonly memo: LRUCache<string, number>;

  constructor(
    readonly encoding: TiktokenEncoding = DEFAULT_ENCODING,
    memoUnits = MEMO_UNITS,
    encoder?: Encoder,
  ) {
    if (!ENCODINGS.includes(encoding)) {
      throw new Error(`unknown encoding "${encoding}"; expected one of ${ENCODINGS.join(", ")}`);
    }
    this.encoder = encoder ?? new TiktokenEncoder(encoding);
    this.memo = new LRUCache({
      maxSize: memoUnits,
      // A text this large is counted every time rather than flush most of the memo.
      maxEntrySize: Math.max(1, Math.floor(memoUnits / 8)),
      sizeCalculation: (_, text) => Math.max(1, text.length),
    });
  }

  /** The encoder that counts what the memo does not know. */
  get counting(): Encoder {
    return this.encoder;
  }

  /** Texts whose counts are remembered now, and their UTF-16 units in all. */
  get remembered(): { texts: number; units: number } {
    return { texts: this.memo.size, units: this.memo.calculatedSize };
  }

  count(text: string): number {
    let n = this.memo.get(text);
    if (n === undefined) {
      n = this.encoder.count(text);
      this.memo.set(text, n);
    }
    return n;
  }

  dispose(): void {
    this.memo.clear();
    this.encoder.dispose();
  }
}

export function isEncoding(name: string): name is TiktokenEncoding {
  return (ENCODINGS as readonly string[]).includes(name);
}
