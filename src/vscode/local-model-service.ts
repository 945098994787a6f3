import * as vscode from "vscode";
import type { ContextEngine } from "../core/context/context-engine";
import { EvaluatorModel, DEFAULT_MODEL_SETTINGS, type LocalModelSettings } from "../core/model/evaluator-model";
import { haystackLines } from "../core/model/haystack";
import { Settings } from "./ids";

/** A loaded model is released after this long without a question. */
const IDLE_RELEASE_MS = 5 * 60_000;

/**
 * The optional local model (`threadline.localModel.path`): opened lazily on
 * the first question, calibrated once per model (cached in global storage by
 * the model's hash), released when idle or when its settings change. Never
 * used in an untrusted workspace. When it cannot be used, questions go on
 * with the lexical scorer and the reason is logged and shown once.
 */
export class LocalModelService implements vscode.Disposable {
  private loaded: { key: string; model: Promise<EvaluatorModel | undefined> } | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private warned = new Set<string>();

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("threadline.localModel")) void this.release();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.release()),
    );
  }

  private settings(): LocalModelSettings | undefined {
    const config = vscode.workspace.getConfiguration();
    const path = config.get<string>(Settings.localModelPath, "").trim();
    if (!path || !vscode.workspace.isTrusted) return undefined;
    return {
      path,
      layers: config.get<number>(Settings.localModelLayers, DEFAULT_MODEL_SETTINGS.layers),
      heads: config.get<number>(Settings.localModelHeads, DEFAULT_MODEL_SETTINGS.heads),
      window: config.get<number>(Settings.localModelWindow, DEFAULT_MODEL_SETTINGS.window),
      cacheDir: vscode.Uri.joinPath(this.storage, "calibration").fsPath,
      idleMs: IDLE_RELEASE_MS,
    };
  }

  /** The scorer for the next question, or undefined for the lexical one. */
  async scorer(engine: ContextEngine): Promise<EvaluatorModel | undefined> {
    const settings = this.settings();
    if (!settings) return undefined;
    const key = JSON.stringify(settings);
    if (this.loaded?.key !== key) {
      await this.release();
      this.loaded = { key, model: this.load(settings, engine) };
    }
    return this.loaded.model;
  }

  private async load(settings: LocalModelSettings, engine: ContextEngine): Promise<EvaluatorModel | undefined> {
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: "Threadline: loading the local model" },
        () => EvaluatorModel.load(settings, () => this.haystack(engine)),
      );
    } catch (e) {
      const message = `Threadline: the local model ${settings.path} cannot be used (${(e as Error).message}); questions use the lexical scorer.`;
      this.log.warn(message);
      if (!this.warned.has(settings.path)) {
        this.warned.add(settings.path);
        void vscode.window.showWarningMessage(message, "Open Settings").then((pick) => {
          if (pick) void vscode.commands.executeCommand("workbench.action.openSettings", Settings.localModelPath);
        });
      }
      return undefined;
    }
  }

  /** "Threadline: Calibrate Local Model": a fresh needle probe with progress, then the result. */
  async calibrate(engine: ContextEngine | undefined): Promise<void> {
    const settings = this.settings();
    if (!settings || !engine) {
      const why = !vscode.workspace.isTrusted
        ? "The workspace is not trusted, so no local model runs."
        : !engine
          ? "Open a folder first: calibration probes your own code."
          : "Set threadline.localModel.path to a .gguf file or a Hugging Face model folder first.";
      void vscode.window.showInformationMessage(`Threadline: ${why}`);
      return;
    }
    await this.release();
    try {
      const evaluator = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: "Threadline: calibrating the local model",
          cancellable: true,
        },
        (progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          let last = 0;
          return EvaluatorModel.calibrateFresh(settings, () => this.haystack(engine), {
            signal: abort.signal,
            onProgress: (done, total) => {
              progress.report({
                increment: ((done - last) / total) * 100,
                message: `needle probe ${done} of ${total}`,
              });
              last = done;
            },
          });
        },
      );
      this.loaded = { key: JSON.stringify(settings), model: Promise.resolve(evaluator) };
      const c = evaluator.calibration;
      const summary = `evaluator heads: layer ${c.layer}, heads ${c.heads.join(", ")} (${c.probes} probes, ${c.ms} ms)`;
      this.log.info(`local model ${settings.path}: ${summary}`);
      void vscode.window.showInformationMessage(`Threadline: ${summary}.`);
    } catch (e) {
      const message = `Threadline: calibration failed: ${(e as Error).message}`;
      this.log.warn(message);
      void vscode.window.showWarningMessage(message);
    }
  }

  private haystack(engine: ContextEngine): string[] {
    engine.prepare();
    return haystackLines(engine.retrievalIndex!.lines);
  }

  async release(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    await (await loaded?.model)?.release();
  }

  dispose(): void {
    void this.release();
    for (const d of this.disposables) d.dispose();
  }
}
