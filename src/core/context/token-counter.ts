import { get_encoding, type Tiktoken, type TiktokenEncoding } from "tiktoken";

export const DEFAULT_ENCODING: TiktokenEncoding = "o200k_base";
export const ENCODINGS: readonly TiktokenEncoding[] = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];

/** Exact token counts with tiktoken. Owns a wasm encoder: call `dispose`. */
export class TokenCounter {
  private readonly encoder: Tiktoken;

  constructor(readonly encoding: TiktokenEncoding = DEFAULT_ENCODING) {
    if (!ENCODINGS.includes(encoding)) {
      throw new Error(`unknown encoding "${encoding}"; expected one of ${ENCODINGS.join(", ")}`);
    }
    this.encoder = get_encoding(encoding);
  }

  count(text: string): number {
    // Special-token text ("<|endoftext|>") in code is counted as ordinary text, as the API does.
    return this.encoder.encode_ordinary(text).length;
  }

  dispose(): void {
    this.encoder.free();
  }
}

export function isEncoding(name: string): name is TiktokenEncoding {
  return (ENCODINGS as readonly string[]).includes(name);
}
