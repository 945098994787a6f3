import * as fs from "node:fs";
import * as path from "node:path";
import type { LineScoringModel } from "../context/types";
import { calibrate, DEFAULT_CALIBRATION, type Calibration } from "./calibrate";
import { ModelError } from "./config";
import { DEFAULT_SCORING, scoreLines } from "./evaluator";
import { LocalModel } from "./local-model";
import { hashModel } from "./model-hash";

export interface LocalModelSettings {
  /** A .gguf file or a Hugging Face folder. */
  path: string;
  /** Layers calibration searches (the first N). */
  layers: number;
  /** Evaluator heads kept. */
  heads: number;
  /** Context tokens per scoring window. */
  window: number;
  /** Where calibrations are cached (by model hash); none = not cached. */
  cacheDir?: string;
  /** Release the model after this long unused (0 = never). */
  idleMs?: number;
}

export const DEFAULT_MODEL_SETTINGS = {
  layers: DEFAULT_CALIBRATION.maxLayers,
  heads: DEFAULT_CALIBRATION.topHeads,
  window: DEFAULT_SCORING.window,
};

/**
 * The evaluator-head scorer behind `LineScoringModel`: opens the model on
 * first use, calibrates it once (cached by the model's hash and the search
 * settings), and releases it when idle; the next question opens it again.
 */
export class EvaluatorModel implements LineScoringModel {
  private model: Promise<LocalModel> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(
    readonly settings: LocalModelSettings,
    readonly calibration: Calibration,
  ) {}

  get info() {
    return {
      kind: "model" as const,
      model: path.basename(this.settings.path),
      layer: this.calibration.layer,
      heads: this.calibration.heads,
    };
  }

  /**
   * Opens the model and finds its evaluator heads: from the cache when this
   * model was calibrated with these settings before, else with a needle probe
   * over `haystack` (lines of the user's code).
   */
  static async load(
    settings: LocalModelSettings,
    haystack: () => readonly string[],
    progress?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<EvaluatorModel> {
    const cached = await readCalibration(settings);
    if (cached?.calibration) return new EvaluatorModel(settings, cached.calibration);
    return EvaluatorModel.calibrateFresh(settings, haystack, progress);
  }

  /** Calibrates again even when a cached result exists (the editor's Calibrate command), and caches the result. */
  static async calibrateFresh(
    settings: LocalModelSettings,
    haystack: () => readonly string[],
    progress?: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<EvaluatorModel> {
    const model = await LocalModel.open(settings.path);
    try {
      const calibration = await calibrate(model, haystack(), {
        ...DEFAULT_CALIBRATION,
        maxLayers: settings.layers,
        topHeads: settings.heads,
        ...progress,
      });
      await writeCalibration(settings, calibration);
      const evaluator = new EvaluatorModel(settings, calibration);
      evaluator.model = Promise.resolve(model);
      evaluator.touch();
      return evaluator;
    } catch (e) {
      await model.dispose();
      throw e;
    }
  }

  async scoreLines(question: string, lines: readonly string[], signal?: AbortSignal): Promise<Float32Array> {
    this.model ??= LocalModel.open(this.settings.path);
    const model = await this.model.catch((e: unknown) => {
      this.model = undefined;
      throw e;
    });
    try {
      return await scoreLines(model, this.calibration, question, lines, {
        ...DEFAULT_SCORING,
        window: this.settings.window,
        ...(signal ? { signal } : {}),
      });
    } finally {
      this.touch();
    }
  }

  private touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.settings.idleMs) return;
    this.idleTimer = setTimeout(() => void this.release(), this.settings.idleMs);
    this.idleTimer.unref?.();
  }

  /** Frees the model and its sessions; the next call opens it again. */
  async release(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await (await model?.catch(() => undefined))?.dispose();
  }

  get loaded(): boolean {
    return this.model !== undefined;
  }
}

interface CachedCalibration {
  hash: string;
  layers: number;
  heads: number;
  calibration: Calibration;
}

const cacheFile = (dir: string, hash: string, s: LocalModelSettings) =>
  path.join(dir, `calibration-${hash.slice(0, 32)}-L${s.layers}-k${s.heads}.json`);

/** The model's hash, and its cached calibration when there is a valid one. */
async function readCalibration(
  settings: LocalModelSettings,
): Promise<{ hash: string; calibration?: Calibration } | undefined> {
  if (!settings.cacheDir) return undefined;
  let hash: string;
  try {
    hash = await hashModel(settings.path);
  } catch (e) {
    throw new ModelError(`cannot read model ${settings.path}: ${(e as Error).message}`);
  }
  try {
    const data = JSON.parse(fs.readFileSync(cacheFile(settings.cacheDir, hash, settings), "utf8")) as CachedCalibration;
    const c = data.calibration;
    if (data.hash === hash && Number.isInteger(c?.layer) && Array.isArray(c.heads) && c.heads.length > 0)
      return { hash, calibration: c };
  } catch {
    // No cache, or a corrupt one: calibrate again.
  }
  return { hash };
}

async function writeCalibration(settings: LocalModelSettings, calibration: Calibration) {
  if (!settings.cacheDir) return;
  const hash = await hashModel(settings.path);
  fs.mkdirSync(settings.cacheDir, { recursive: true });
  const file = cacheFile(settings.cacheDir, hash, settings);
  const data: CachedCalibration = { hash, layers: settings.layers, heads: settings.heads, calibration };
  fs.writeFileSync(file + ".tmp", JSON.stringify(data));
  fs.renameSync(file + ".tmp", file);
}
