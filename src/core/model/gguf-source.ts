import { gguf, GGMLQuantizationType, type GGUFTensorInfo } from "@huggingface/gguf";
import { checkConfig, ModelError } from "./config";
import { byteSize, dequantize, type TensorType } from "./dequantize";
import { FileReader } from "./file-reader";
import { byteLevelBpe } from "./tokenizer";
import { ggufTensorName, unpermuteRows, type WeightSource } from "./weights";

const TYPES: Partial<Record<number, TensorType>> = {
  [GGMLQuantizationType.F32]: "F32",
  [GGMLQuantizationType.F16]: "F16",
  [GGMLQuantizationType.BF16]: "BF16",
  [GGMLQuantizationType.Q8_0]: "Q8_0",
  [GGMLQuantizationType.Q4_0]: "Q4_0",
};

interface TensorEntry {
  type: TensorType;
  offset: number;
  count: number;
  /** ne0: the number of values in one row. */
  cols: number;
}

/** Opens a GGUF file: metadata and tensor directory through @huggingface/gguf, tensor bytes by positioned reads. */
export async function openGguf(path: string): Promise<WeightSource> {
  let parsed;
  try {
    parsed = await gguf(path, { allowLocalFile: true });
  } catch (e) {
    throw new ModelError(`${path} is not a readable GGUF file: ${(e as Error).message}`);
  }
  const meta = parsed.metadata as unknown as Record<string, unknown>;
  const arch = String(meta["general.architecture"] ?? "unknown");
  const num = (key: string, fallback?: number): number => {
    const v = meta[`${arch}.${key}`];
    if (typeof v === "number" || typeof v === "bigint") return Number(v);
    if (fallback !== undefined) return fallback;
    throw new ModelError(`GGUF metadata has no ${arch}.${key}`);
  };
  const tensors = new Map<string, TensorEntry>();
  const dataStart = Number(parsed.tensorDataOffset);
  for (const t of parsed.tensorInfos) tensors.set(t.name, entry(t, dataStart));
  const embed = tensors.get("token_embd.weight");
  const heads = num("attention.head_count", 0);
  const hidden = num("embedding_length", 0);
  const config = checkConfig({
    architecture: arch,
    layers: num("block_count", 0),
    hidden,
    heads,
    kvHeads: num("attention.head_count_kv", heads),
    headDim: num("attention.key_length", heads ? hidden / heads : 0),
    intermediate: num("feed_forward_length", 0),
    rmsEps: num("attention.layer_norm_rms_epsilon", 1e-5),
    ropeTheta: num("rope.freq_base", 10000),
    vocabSize: embed ? embed.count / embed.cols : 0,
  });
  const reader = new FileReader(path);
  for (const [name, t] of tensors)
    if (t.offset + byteSize(t.type, t.count) > reader.size) {
      reader.close();
      throw new ModelError(
        `model file ${path} is truncated: tensor ${name} ends at byte ${t.offset + byteSize(t.type, t.count)} but the file has ${reader.size}`,
      );
    }
  // llama.cpp's converter permutes Llama's Q/K rows for its interleaved RoPE; Qwen2 keeps Hugging Face order.
  const permuted = arch === "llama" || arch === "mistral";
  const tokenizer = tokenizerFromGguf(meta);
  return {
    format: "gguf",
    path,
    config,
    tensorTypes: [...new Set([...tensors.values()].map((t) => t.type))],
    tokenizer,
    has: (name) => tensors.has(ggufTensorName(name)),
    read(name) {
      const gname = ggufTensorName(name);
      const t = tensors.get(gname);
      if (!t) throw new ModelError(`model file has no tensor ${gname}`);
      const values = dequantize(t.type, reader.read(t.offset, byteSize(t.type, t.count), gname), t.count);
      if (!permuted) return values;
      if (name.endsWith(".q") || name.endsWith(".q_bias")) return unpermuteRows(values, config.heads, t.cols);
      if (name.endsWith(".k") || name.endsWith(".k_bias")) return unpermuteRows(values, config.kvHeads, t.cols);
      return values;
    },
    embedRows(ids) {
      if (!embed) throw new ModelError("model file has no token_embd.weight");
      const rowBytes = byteSize(embed.type, embed.cols);
      const out = new Float32Array(ids.length * embed.cols);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 0 || id >= config.vocabSize) throw new ModelError(`token id ${id} is outside the model's vocabulary`);
        const bytes = reader.read(embed.offset + id * rowBytes, rowBytes, "token_embd.weight");
        out.set(dequantize(embed.type, bytes, embed.cols), i * embed.cols);
      }
      return out;
    },
    close: () => reader.close(),
  };
}

function entry(t: GGUFTensorInfo, dataStart: number): TensorEntry {
  const type = TYPES[t.dtype];
  if (!type)
    throw new ModelError(
      `tensor ${t.name} has type ${GGMLQuantizationType[t.dtype] ?? t.dtype}; supported: F32, F16, BF16, Q8_0, Q4_0`,
    );
  const count = t.shape.reduce((a, b) => a * Number(b), 1);
  return { type, offset: dataStart + Number(t.offset), count, cols: t.shape.length > 1 ? Number(t.shape[0]) : 1 };
}

/** Builds a tokenizer.json equivalent from GGUF's `tokenizer.ggml.*` metadata. */
function tokenizerFromGguf(meta: Record<string, unknown>): WeightSource["tokenizer"] {
  const model = meta["tokenizer.ggml.model"];
  const tokens = meta["tokenizer.ggml.tokens"];
  if (!Array.isArray(tokens)) throw new ModelError("GGUF file has no tokenizer (tokenizer.ggml.tokens)");
  const types = (meta["tokenizer.ggml.token_type"] as number[] | undefined) ?? [];
  const added = tokens
    .map((content, id) => ({ id, content: String(content), type: types[id] }))
    .filter((t) => t.type === 3 || t.type === 4)
    .map((t) => ({
      id: t.id,
      content: t.content,
      special: t.type === 3,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
    }));
  if (model === "gpt2") {
    const vocab: Record<string, number> = {};
    tokens.forEach((t, i) => (vocab[String(t)] = i));
    const merges = (meta["tokenizer.ggml.merges"] as string[] | undefined) ?? [];
    return { json: byteLevelBpe(vocab, merges, added), config: {} };
  }
  if (model === "llama") {
    const scores = (meta["tokenizer.ggml.scores"] as number[] | undefined) ?? [];
    return {
      json: {
        added_tokens: added,
        normalizer: {
          type: "Sequence",
          normalizers: [
            { type: "Prepend", prepend: "▁" },
            { type: "Replace", pattern: { String: " " }, content: "▁" },
          ],
        },
        pre_tokenizer: null,
        post_processor: null,
        decoder: null,
        // SentencePiece vocabularies with scores; Unigram's Viterbi split is close to llama.cpp's SPM merges.
        model: {
          type: "Unigram",
          unk_id: Number(meta["tokenizer.ggml.unknown_token_id"] ?? 0),
          vocab: tokens.map((t, i) => [String(t), scores[i] ?? 0]),
          byte_fallback: true,
        },
      },
      config: {},
    };
  }
  throw new ModelError(`unsupported GGUF tokenizer "${String(model)}" (supported: gpt2, llama)`);
}
