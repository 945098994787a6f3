#!/usr/bin/env node
// Writes a small random-weight Llama-family model for tests and benchmarks:
//   node scripts/make-test-model.mjs --out <file.gguf | folder> [--format gguf|safetensors]
//     [--type f32|f16|q8_0|q4_0|bf16] [--shape tiny|smollm2-135m] [--layers N]
//     [--planted-layer L --planted-head H] [--seed N]
// A folder output (or --format safetensors) writes config.json, tokenizer.json and model.safetensors.
// The generator lives in test/helpers/test-model.ts (run through tsx, a dev dependency).
import { parseArgs } from "node:util";
import { tsImport } from "tsx/esm/api";

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    format: { type: "string" },
    type: { type: "string", default: "f32" },
    shape: { type: "string", default: "tiny" },
    layers: { type: "string" },
    "planted-layer": { type: "string" },
    "planted-head": { type: "string" },
    seed: { type: "string", default: "7" },
  },
});
if (!values.out) {
  console.error(
    "usage: make-test-model.mjs --out <file.gguf | folder> [--type f32|f16|q8_0|q4_0] [--shape tiny|smollm2-135m] [--layers N] [--planted-layer L --planted-head H]",
  );
  process.exit(2);
}
const { makeTestModel, writeGguf, writeSafetensors } = await tsImport("../test/helpers/test-model.ts", import.meta.url);
const shapes = {
  tiny: {},
  // SmolLM2-135M: 30 layers, hidden 576, 9 heads, 3 KV heads, MLP 1536, vocabulary 49152.
  "smollm2-135m": {
    layers: 30,
    hidden: 576,
    heads: 9,
    kvHeads: 3,
    intermediate: 1536,
    vocabSize: 49152,
    ropeTheta: 100000,
  },
};
const shape = shapes[values.shape];
if (!shape) throw new Error(`unknown --shape ${values.shape} (tiny, smollm2-135m)`);
const planted =
  values["planted-layer"] !== undefined
    ? { layer: Number(values["planted-layer"]), head: Number(values["planted-head"] ?? 0) }
    : undefined;
const model = makeTestModel({
  ...shape,
  ...(values.layers ? { layers: Number(values.layers) } : {}),
  seed: Number(values.seed),
  ...(planted ? { planted } : {}),
});
const type = values.type.toUpperCase();
const format = values.format ?? (values.out.endsWith(".gguf") ? "gguf" : "safetensors");
if (format === "gguf") writeGguf(values.out, model, type);
else writeSafetensors(values.out, model, type);
console.log(JSON.stringify({ out: values.out, format, type, config: model.config, planted: planted ?? null }));
