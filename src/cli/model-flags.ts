import * as os from "node:os";
import * as path from "node:path";
import { EvaluatorModel, DEFAULT_MODEL_SETTINGS, type LocalModelSettings } from "../core/model/evaluator-model";
import { haystackLines } from "../core/model/haystack";
import { type FlagSpec, type ParsedArgs, intFlag, stringFlag } from "./args";

export const LOCAL_MODEL_FLAGS: FlagSpec[] = [
  {
    name: "model",
    value: "<file.gguf | folder>",
    description: "A local Llama-family model whose evaluator heads prune lines.",
  },
  {
    name: "layers",
    value: "<n>",
    description: "First layers calibration searches.",
    default: String(DEFAULT_MODEL_SETTINGS.layers),
  },
  { name: "heads", value: "<n>", description: "Evaluator heads kept.", default: String(DEFAULT_MODEL_SETTINGS.heads) },
  {
    name: "window",
    value: "<n>",
    description: "Code tokens per scoring window.",
    default: String(DEFAULT_MODEL_SETTINGS.window),
  },
];

/** `--model` and its tuning flags, shared by `context` and `calibrate`. */
export function modelSettings(args: ParsedArgs): LocalModelSettings | undefined {
  const model = stringFlag(args, "model");
  if (!model) return undefined;
  return {
    path: path.resolve(model),
    layers: intFlag(args, "layers", DEFAULT_MODEL_SETTINGS.layers),
    heads: intFlag(args, "heads", DEFAULT_MODEL_SETTINGS.heads),
    window: intFlag(args, "window", DEFAULT_MODEL_SETTINGS.window),
    cacheDir: stringFlag(args, "cache") ?? path.join(os.tmpdir(), "threadline-calibration"),
  };
}

export async function loadEvaluator(
  settings: LocalModelSettings,
  files: ReadonlyMap<string, readonly string[]>,
): Promise<EvaluatorModel> {
  return EvaluatorModel.load(settings, () => haystackLines(files), {
    onProgress: (done, total) =>
      process.stderr.write(
        `threadline: calibrating the local model, probe ${done}/${total}${done === total ? "\n" : "\r"}`,
      ),
  });
}
