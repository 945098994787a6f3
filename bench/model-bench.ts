/**
 * `npm run bench:model`: evaluator-head scoring speed and memory with a
 * SmolLM2-135M-shaped model (30 layers, hidden 576, 9 heads, 3 KV heads;
 * random Q8_0 weights, generated once into the temp folder). Each input length
 * runs in a fresh process, so peak RSS is that length's own. Prints the time
 * to score N tokens through the first `--layers` layers (default 8), the time
 * per 1k tokens, and its growth from the shortest to the longest input.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_SCORING, scoreTokens } from "../src/core/model/evaluator";
import { LocalModel } from "../src/core/model/local-model";

const { values } = parseArgs({
  options: {
    phase: { type: "string" },
    model: { type: "string" },
    tokens: { type: "string", default: "2048,4096,8192,16384,32768" },
    layers: { type: "string", default: "8" },
    window: { type: "string", default: String(DEFAULT_SCORING.window) },
    type: { type: "string", default: "q8_0" },
  },
});

async function score(modelPath: string, n: number, layers: number, window: number) {
  const model = await LocalModel.open(modelPath, { threads: Number(process.env.THREADLINE_THREADS ?? 0) });
  const heads = { layer: layers - 1, heads: [0, 1, 2, 3, 4, 5, 6, 7] };
  // Code-like token ids (the ids do not change the cost; the count does).
  const tokens = Array.from({ length: n }, (_, i) => (i * 7919) % 4000);
  const question = Array.from({ length: 48 }, (_, i) => (i * 104729) % 4000);
  const options = { ...DEFAULT_SCORING, window };
  let t = performance.now();
  await scoreTokens(model, heads, tokens.slice(0, 64), question, options); // builds the session
  const sessionMs = performance.now() - t;
  t = performance.now();
  await scoreTokens(model, heads, tokens, question, options);
  const ms = performance.now() - t;
  await model.dispose();
  return { n, ms, sessionMs, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function main() {
  if (values.phase === "score") {
    const r = await score(values.model!, Number(values.tokens), Number(values.layers), Number(values.window));
    console.log(JSON.stringify(r));
  } else {
    const dir = path.join(os.tmpdir(), "threadline-bench");
    const modelPath = values.model ?? path.join(dir, `smollm2-135m-shape-${values.type}.gguf`);
    if (!fs.existsSync(modelPath)) {
      console.log(`generating ${modelPath} …`);
      execFileSync(
        process.execPath,
        ["scripts/make-test-model.mjs", "--shape", "smollm2-135m", "--type", values.type!, "--out", modelPath],
        { stdio: ["ignore", "ignore", "inherit"] },
      );
    }
    const layers = Number(values.layers);
    console.log(
      `model: ${path.basename(modelPath)} (${(fs.statSync(modelPath).size / 1e6).toFixed(0)} MB), scoring through the first ${layers} layers, window ${values.window} tokens + question, ${os.cpus().length} cores`,
    );
    console.log("| tokens | score ms | ms per 1k tokens | session build ms | peak RSS MB |");
    console.log("| --- | --- | --- | --- | --- |");
    const rows: { n: number; ms: number }[] = [];
    for (const n of values.tokens!.split(",").map(Number)) {
      const out = execFileSync(
        process.execPath,
        [
          "--import",
          "tsx",
          "bench/model-bench.ts",
          "--phase",
          "score",
          "--model",
          modelPath,
          "--tokens",
          String(n),
          "--layers",
          String(layers),
          "--window",
          values.window!,
        ],
        { encoding: "utf8", maxBuffer: 1 << 20 },
      );
      const r = JSON.parse(out.trim().split("\n").pop()!) as {
        n: number;
        ms: number;
        sessionMs: number;
        maxRssMb: number;
      };
      rows.push(r);
      console.log(
        `| ${n} | ${r.ms.toFixed(0)} | ${((r.ms / n) * 1000).toFixed(0)} | ${r.sessionMs.toFixed(0)} | ${r.maxRssMb.toFixed(0)} |`,
      );
    }
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    console.log(
      `ms per 1k tokens grows ${((last.ms / last.n / (first.ms / first.n)) * 100 - 100).toFixed(0)}% from ${first.n} to ${last.n} tokens (windowed: linear in the input)`,
    );
  }
}

void main();
