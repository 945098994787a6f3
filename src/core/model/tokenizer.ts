import { Tokenizer } from "@huggingface/tokenizers";
import { ModelError } from "./config";
import type { WeightSource } from "./weights";

/**
 * The model's tokenizer (@huggingface/tokenizers), used line by line: each
 * line is tokenized on its own, so every token belongs to exactly one line
 * and scores aggregate to lines without offset bookkeeping. Line tokens are
 * cached because the same lines are scored again and again.
 */
export class LineTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly cache = new Map<string, Int32Array>();

  constructor(source: WeightSource) {
    try {
      this.tokenizer = new Tokenizer(source.tokenizer.json, source.tokenizer.config);
    } catch (e) {
      throw new ModelError(`cannot load the model's tokenizer: ${(e as Error).message}`);
    }
    let maxId = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) maxId = Math.max(maxId, id);
    if (maxId >= source.config.vocabSize)
      throw new ModelError(
        `tokenizer mismatch: the tokenizer has token ids up to ${maxId} but the model's embedding has ${source.config.vocabSize} rows`,
      );
  }

  /** Tokens of one line, newline included. */
  line(text: string): Int32Array {
    let ids = this.cache.get(text);
    if (!ids) {
      ids = Int32Array.from(this.tokenizer.encode(text + "\n", { add_special_tokens: false }).ids);
      if (this.cache.size > 50_000) this.cache.clear();
      this.cache.set(text, ids);
    }
    return ids;
  }

  text(text: string): Int32Array {
    return Int32Array.from(this.tokenizer.encode(text, { add_special_tokens: false }).ids);
  }
}

/** A GPT-2-style byte-level BPE tokenizer.json (what GGUF's `gpt2` tokenizers and the test models use). */
export function byteLevelBpe(
  vocab: Record<string, number>,
  merges: string[],
  addedTokens: Record<string, unknown>[] = [],
): Record<string, unknown> {
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: { type: "BPE", vocab, merges, unk_token: null, fuse_unk: false, byte_fallback: false, ignore_merges: false },
  };
}
