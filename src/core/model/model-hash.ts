import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** SHA-256 of a model file, or of a model folder's config, tokenizer and weight files (names and contents). */
export async function hashModel(modelPath: string): Promise<string> {
  const hash = createHash("sha256");
  const stat = fs.statSync(modelPath);
  const files = stat.isDirectory()
    ? fs
        .readdirSync(modelPath)
        .filter((f) => f.endsWith(".safetensors") || f === "config.json" || f === "tokenizer.json")
        .sort()
        .map((f) => path.join(modelPath, f))
    : [modelPath];
  for (const file of files) {
    hash.update(path.basename(file) + "\0");
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
