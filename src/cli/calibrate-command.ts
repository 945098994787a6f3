import * as fs from "node:fs";
import * as path from "node:path";
import { ContextEngine } from "../core/context/context-engine";
import { createNodeIndex } from "../core/index/node/create";
import { ModelError } from "../core/model/config";
import { type CommandSpec, type ParsedArgs, UsageError, stringFlag, synopsis } from "./args";
import { LOCAL_MODEL_FLAGS, loadEvaluator, modelSettings } from "./model-flags";

export const calibrateSpec: CommandSpec = {
  name: "calibrate",
  summary: "Finds a local model's evaluator heads with a needle probe built from the repository's own code.",
  flags: [
    ...LOCAL_MODEL_FLAGS.map((f) => (f.name === "model" ? { ...f, description: `${f.description} (required)` } : f)),
    { name: "repo", value: "<dir>", description: "The repository whose code the probe is built from (required)." },
    { name: "cache", value: "<dir>", description: "Index cache folder.", default: "no cache" },
    { name: "json", description: "Print {layer, heads, ms, scores} as JSON." },
  ],
};

/** `threadline calibrate`: finds a model's evaluator heads with a needle probe built from the repository. */
export async function runCalibrate(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const settings = modelSettings(args);
  if (!settings) throw new UsageError(`--model is required\nusage: ${synopsis(calibrateSpec)}`);
  const repo = stringFlag(args, "repo");
  if (!repo) throw new UsageError(`--repo is required\nusage: ${synopsis(calibrateSpec)}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  // A fresh calibration every time this command runs: it is how a user re-checks a model.
  const fresh = { ...settings, cacheDir: undefined };
  const index = createNodeIndex([{ name: path.basename(path.resolve(repo)), path: repo }], {
    cacheDir: stringFlag(args, "cache"),
  });
  const engine = new ContextEngine(index);
  try {
    await index.build();
    engine.prepare();
    let evaluator;
    try {
      evaluator = await loadEvaluator(fresh, engine.retrievalIndex!.lines);
    } catch (e) {
      if (e instanceof ModelError) {
        process.stderr.write(`threadline: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
    await evaluator.release();
    const c = evaluator.calibration;
    if (args.flags.has("json"))
      out.write(JSON.stringify({ layer: c.layer, heads: c.heads, ms: c.ms, scores: c.scores }) + "\n");
    else
      out.write(
        `evaluator heads: layer ${c.layer}, heads ${c.heads.join(", ")} (${c.probes} needle probes, ${c.ms} ms)\n` +
          c.scores.map((row, l) => `  layer ${l}: ${row.map((s) => s.toFixed(3)).join(" ")}`).join("\n") +
          "\n",
      );
    return 0;
  } finally {
    engine.dispose();
    index.dispose();
  }
}
