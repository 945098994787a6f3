/** The shape of a Llama-family decoder (Llama, Qwen2, Mistral, SmolLM): what the graph builder needs. */
export interface ModelConfig {
  architecture: string;
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  rmsEps: number;
  ropeTheta: number;
  /** Rows of the embedding matrix; every token id must be below it. */
  vocabSize: number;
}

/** Architectures whose blocks are RMSNorm → GQA attention with RoPE → SwiGLU MLP. */
export const SUPPORTED_ARCHITECTURES = ["llama", "qwen2", "mistral"] as const;

export class ModelError extends Error {
  override name = "ModelError";
}

export function checkConfig(c: ModelConfig): ModelConfig {
  if (!(SUPPORTED_ARCHITECTURES as readonly string[]).includes(c.architecture))
    throw new ModelError(
      `unsupported architecture "${c.architecture}" (supported: ${SUPPORTED_ARCHITECTURES.join(", ")})`,
    );
  for (const key of ["layers", "hidden", "heads", "kvHeads", "headDim", "intermediate", "vocabSize"] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v <= 0)
      throw new ModelError(`model config: ${key} must be a positive integer, got ${v}`);
  }
  if (c.heads % c.kvHeads !== 0)
    throw new ModelError(`model config: ${c.heads} attention heads cannot share ${c.kvHeads} key/value heads`);
  if (c.headDim % 2 !== 0) throw new ModelError(`model config: head dimension ${c.headDim} must be even for RoPE`);
  if (!(c.rmsEps > 0) || !(c.ropeTheta > 0))
    throw new ModelError("model config: rms epsilon and rope theta must be > 0");
  return c;
}

/** Reads a Hugging Face `config.json`. */
export function configFromHf(json: Record<string, unknown>): ModelConfig {
  const num = (key: string, fallback?: number): number => {
    const v = json[key];
    if (typeof v === "number") return v;
    if (fallback !== undefined) return fallback;
    throw new ModelError(`config.json has no numeric "${key}"`);
  };
  const hidden = num("hidden_size");
  const heads = num("num_attention_heads");
  return checkConfig({
    architecture: String(json.model_type ?? "unknown"),
    layers: num("num_hidden_layers"),
    hidden,
    heads,
    kvHeads: num("num_key_value_heads", heads),
    headDim: num("head_dim", hidden / heads),
    intermediate: num("intermediate_size"),
    rmsEps: num("rms_norm_eps", 1e-6),
    ropeTheta: num("rope_theta", 10000),
    vocabSize: num("vocab_size"),
  });
}
