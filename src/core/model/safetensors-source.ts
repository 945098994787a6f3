import * as fs from "node:fs";
import * as path from "node:path";
import { configFromHf, ModelError } from "./config";
import { dequantize, type TensorType } from "./dequantize";
import { FileReader } from "./file-reader";
import { hfTensorName, type WeightSource } from "./weights";

const DTYPES: Record<string, TensorType> = { F32: "F32", F16: "F16", BF16: "BF16" };

interface TensorEntry {
  reader: FileReader;
  type: TensorType;
  offset: number;
  count: number;
  cols: number;
}

/**
 * Opens a Hugging Face model folder: `config.json`, `tokenizer.json` and one
 * or more `*.safetensors` files. The safetensors layout is an 8-byte header
 * length, a JSON header, then raw little-endian data (a dozen lines to read,
 * so no dependency).
 */
export function openSafetensors(dir: string): WeightSource {
  const readJson = (file: string): Record<string, unknown> => {
    const p = path.join(dir, file);
    let text: string;
    try {
      text = fs.readFileSync(p, "utf8");
    } catch {
      throw new ModelError(`model folder ${dir} has no ${file}`);
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new ModelError(`${p} is not valid JSON: ${(e as Error).message}`);
    }
  };
  const config = configFromHf(readJson("config.json"));
  const tokenizerJson = readJson("tokenizer.json");
  let tokenizerConfig: Record<string, unknown> = {};
  if (fs.existsSync(path.join(dir, "tokenizer_config.json"))) tokenizerConfig = readJson("tokenizer_config.json");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".safetensors"))
    .sort();
  if (files.length === 0) throw new ModelError(`model folder ${dir} has no .safetensors file`);
  const tensors = new Map<string, TensorEntry>();
  const readers: FileReader[] = [];
  try {
    for (const f of files) {
      const reader = new FileReader(path.join(dir, f));
      readers.push(reader);
      const headerLength = Number(new DataView(reader.read(0, 8, "header length").buffer).getBigUint64(0, true));
      if (headerLength > 100_000_000) throw new ModelError(`${reader.path}: implausible header length ${headerLength}`);
      let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
      try {
        header = JSON.parse(new TextDecoder().decode(reader.read(8, headerLength, "header")));
      } catch (e) {
        throw new ModelError(`${reader.path}: corrupt safetensors header (${(e as Error).message})`);
      }
      for (const [name, t] of Object.entries(header)) {
        if (name === "__metadata__") continue;
        const type = DTYPES[t.dtype];
        if (!type)
          throw new ModelError(`${reader.path}: tensor ${name} has dtype ${t.dtype}; supported: F32, F16, BF16`);
        const count = t.shape.reduce((a, b) => a * b, 1);
        const offset = 8 + headerLength + t.data_offsets[0];
        if (8 + headerLength + t.data_offsets[1] > reader.size)
          throw new ModelError(`model file ${reader.path} is truncated: tensor ${name} ends past the end of the file`);
        tensors.set(name, { reader, type, offset, count, cols: t.shape.length > 1 ? t.shape[t.shape.length - 1]! : 1 });
      }
    }
  } catch (e) {
    for (const r of readers) r.close();
    throw e;
  }
  const get = (name: string) => {
    const t = tensors.get(hfTensorName(name));
    if (!t) throw new ModelError(`model has no tensor ${hfTensorName(name)}`);
    return t;
  };
  return {
    format: "safetensors",
    path: dir,
    config,
    tensorTypes: [...new Set([...tensors.values()].map((t) => t.type))],
    tokenizer: { json: tokenizerJson, config: tokenizerConfig },
    has: (name) => tensors.has(hfTensorName(name)),
    read(name) {
      const t = get(name);
      const width = t.type === "F32" ? 4 : 2;
      return dequantize(t.type, t.reader.read(t.offset, t.count * width, hfTensorName(name)), t.count);
    },
    embedRows(ids) {
      const t = get("embed");
      const width = t.type === "F32" ? 4 : 2;
      const out = new Float32Array(ids.length * t.cols);
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i]!;
        if (id < 0 || id >= config.vocabSize) throw new ModelError(`token id ${id} is outside the model's vocabulary`);
        const bytes = t.reader.read(t.offset + id * t.cols * width, t.cols * width, "embedding row");
        out.set(dequantize(t.type, bytes, t.cols), i * t.cols);
      }
      return out;
    },
    close: () => readers.forEach((r) => r.close()),
  };
}
