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

/** Exact token counts with tiktoken. Owns a wasm encoder: call `dispose`. */
export class TokenCounter {
  private readonly encoder: Tiktoken;
  private readonly memo: LRUCache<string, number>;

  constructor(
    readonly encoding: TiktokenEncoding = DEFAULT_ENCODING,
    memoUnits = MEMO_UNITS,
  ) {
    if (!ENCODINGS.includes(encoding)) {
      throw new Error(`unknown encoding "${encoding}"; expected one of ${ENCODINGS.join(", ")}`);
    }
    this.encoder = get_encoding(encoding);
    this.memo = new LRUCache({
      maxSize: memoUnits,
      // A text this large is counted every time rather than flush most of the memo.
      maxEntrySize: Math.max(1, Math.floor(memoUnits / 8)),
      sizeCalculation: (_, text) => Math.max(1, text.length),
    });
  }

  /** Texts whose counts are remembered now, and their UTF-16 units in all. */
  get remembered(): { texts: number; units: number } {
    return { texts: this.memo.size, units: this.memo.calculatedSize };
  }

  count(text: string): number {
    let n = this.memo.get(text);
    if (n === undefined) {
      // Special-token text ("<|endoftext|>") in code is counted as ordinary text, as the API does.
      n = this.encoder.encode_ordinary(text).length;
      this.memo.set(text, n);
    }
    return n;
  }

  dispose(): void {
    this.memo.clear();
    this.encoder.free();
  }
}

export function isEncoding(name: string): name is TiktokenEncoding {
  return (ENCODINGS as readonly string[]).includes(name);
}
