import * as path from "node:path";
import * as vscode from "vscode";
import { ContextEngine, describeWarmUp } from "../core/context/context-engine";
import { retrievalCacheFile } from "../core/context/retrieval-cache";
import { createNodeIndex } from "../core/index/node/create";
import type { IndexStats } from "../core/index/types";
import { DEFAULT_MAX_FILE_BYTES, type WorkspaceIndex } from "../core/index/workspace-index";
import { HistoryFollower, type HistoryStatus } from "../core/history/history-follower";
import { DEFAULT_HISTORY_DEPTH } from "../core/history/open-history";
import type { IndexStatusDto } from "../protocol/messages";
import { Commands, Settings } from "./ids";

const UPDATE_DEBOUNCE_MS = 250;
const SAVE_DEBOUNCE_MS = 3000;

/**
 * Owns the workspace index in the editor: builds it in the background with
 * progress, keeps it current from file events, and shows its state.
 */
export class IndexService implements vscode.Disposable {
  private index: WorkspaceIndex | undefined;
  private engine: ContextEngine | undefined;
  private building: Promise<void> | undefined;
  private buildAbort: AbortController | undefined;
  private readonly pending = new Set<string>();
  private updateTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private readonly statusItem: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private progress: { done: number; total: number } | undefined;
  private history: { key: string; follower: HistoryFollower } | undefined;
  private historyProgress: { done(): void; report(message: string): void } | undefined;
  private headTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly storage: vscode.Uri | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly onStatus: (status: IndexStatusDto) => void,
  ) {
    this.statusItem = vscode.window.createStatusBarItem("threadline.index", vscode.StatusBarAlignment.Left, 0);
    this.statusItem.name = "Threadline Index";
    this.statusItem.command = Commands.showIndexDetails;
    // HEAD moved (commit, checkout, pull, rebase): read the new commits.
    const headWatchers = [".git/HEAD", ".git/refs/**", ".git/packed-refs"].map((glob) => {
      const w = vscode.workspace.createFileSystemWatcher(`**/${glob}`);
      const moved = () => {
        clearTimeout(this.headTimer);
        this.headTimer = setTimeout(() => void this.history?.follower.refresh(), 1000);
      };
      return vscode.Disposable.from(w, w.onDidCreate(moved), w.onDidChange(moved));
    });
    const watcher = vscode.workspace.createFileSystemWatcher("**/*");
    const queue = (uri: vscode.Uri) => this.queueUpdate(uri);
    this.disposables.push(
      ...headWatchers,
      this.statusItem,
      watcher,
      watcher.onDidCreate(queue),
      watcher.onDidChange(queue),
      watcher.onDidDelete(queue),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.followHistory()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.rebuild()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("threadline.index") || e.affectsConfiguration("files.exclude")) void this.rebuild();
        else if (e.affectsConfiguration("threadline.history")) this.followHistory();
      }),
    );
  }

  /** The current index, once the first build has finished. */
  get current(): WorkspaceIndex | undefined {
    return this.building ? undefined : this.index;
  }

  /**
   * The index as it is now: while the first build runs, what is indexed so far
   * (with the build's progress, so the answer can say so); otherwise as `whenReady`.
   */
  async readyOrPartial(): Promise<
    { index: WorkspaceIndex; engine: ContextEngine; indexing?: { done: number; total: number } } | undefined
  > {
    if (this.building && this.index && this.engine && this.index.size > 0)
      return { index: this.index, engine: this.engine, indexing: this.progress ?? { done: this.index.size, total: 0 } };
    return this.whenReady();
  }

  /** Waits for a build in progress; the index and its context engine, if a folder is open. */
  async whenReady(): Promise<{ index: WorkspaceIndex; engine: ContextEngine } | undefined> {
    while (this.building) await this.building.catch(() => undefined);
    return this.index && this.engine ? { index: this.index, engine: this.engine } : undefined;
  }

  /** Builds the index in the background; `fresh` (Threadline: Rebuild Index) parses every file again and says when done. */
  rebuild(fresh = false): Promise<void> {
    this.buildAbort?.abort();
    const abort = new AbortController();
    this.buildAbort = abort;
    const run = this.runBuild(abort.signal, fresh).finally(() => {
      if (this.building === run) this.building = undefined;
    });
    this.building = run;
    return run;
  }

  private async runBuild(signal: AbortSignal, fresh: boolean): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.engine?.dispose();
    this.index?.dispose();
    this.index = undefined;
    this.engine = undefined;
    if (folders.length === 0) {
      this.statusItem.hide();
      return;
    }
    const config = vscode.workspace.getConfiguration();
    this.show({ state: "indexing", done: 0, total: 0, files: 0, symbols: 0 });
    const title = fresh ? "Threadline: rebuilding the index from scratch" : "Threadline: indexing workspace";
    try {
      const { index, stats } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => this.buildAbort?.abort());
          let reported = 0;
          const index = createNodeIndex(
            folders.map((f) => ({ name: f.name, path: f.uri.fsPath })),
            {
              cacheDir: this.storage ? path.join(this.storage.fsPath, "index") : undefined,
              maxFileBytes: config.get<number>(Settings.maxFileSize, DEFAULT_MAX_FILE_BYTES),
              exclude: [...config.get<string[]>(Settings.exclude, []), ...filesExcludePatterns(config)],
              onProgress: (done, total) => {
                this.progress = { done, total };
                const pct = total > 0 ? (done / total) * 100 : 0;
                if (pct - reported >= 1 || done === total) {
                  progress.report({ message: `${done} / ${total} files`, increment: pct - reported });
                  reported = pct;
                  this.show({ state: "indexing", done, total, files: done, symbols: 0 });
                }
              },
            },
          );
          this.index = index;
          this.engine = new ContextEngine(index, {
            cacheFile: this.storage
              ? retrievalCacheFile(
                  path.join(this.storage.fsPath, "index"),
                  folders.map((f) => f.uri.fsPath),
                )
              : undefined,
            log: (line) => this.log.warn(line),
          });
          // A warm start's token encoder loads on a worker beside the index.
          if (this.engine.preload()) this.log.info("token counter: loading tiktoken's encoder on a worker thread");
          return index.build(signal, { fresh }).then((stats) => ({ index, stats }));
        },
      );
      this.progress = undefined;
      if (signal.aborted) return;
      this.logStats(stats);
      this.show({ state: "ready", done: stats.files, total: stats.files, files: stats.files, symbols: stats.symbols });
      await index.save().catch((e: unknown) => this.log.warn(`could not save the index cache: ${String(e)}`));
      this.prewarm();
      this.followHistory();
      if (fresh)
        void vscode.window.showInformationMessage(
          `Threadline: index rebuilt: ${stats.files} files, ${stats.symbols} symbols in ${(stats.ms / 1000).toFixed(1)} s.`,
        );
    } catch (e) {
      this.log.error(`indexing failed: ${String(e)}`);
      this.show({ state: "failed", done: 0, total: 0, files: 0, symbols: 0, message: String(e) });
    }
  }

  private queueUpdate(uri: vscode.Uri): void {
    if (uri.scheme !== "file") return;
    this.pending.add(uri.fsPath);
    clearTimeout(this.updateTimer);
    this.updateTimer = setTimeout(() => void this.flushUpdates(), UPDATE_DEBOUNCE_MS);
  }

  private async flushUpdates(): Promise<void> {
    const index = this.current;
    if (!index) {
      if (this.building)
        this.building.then(
          () => this.flushUpdates(),
          () => undefined,
        );
      return;
    }
    const paths = [...this.pending];
    this.pending.clear();
    const results = await index.update(paths);
    const changed = [...results.values()].filter((r) => r !== "unchanged" && r !== "skipped").length;
    if (changed === 0) return;
    const stats = index.stats();
    this.show({ state: "ready", done: stats.files, total: stats.files, files: stats.files, symbols: stats.symbols });
    this.prewarm();
    clearTimeout(this.saveTimer);
    const engine = this.engine;
    this.saveTimer = setTimeout(() => {
      void index.save().catch(() => undefined);
      void engine?.save().catch((e: unknown) => this.log.warn(`could not save the retrieval cache: ${String(e)}`));
    }, SAVE_DEBOUNCE_MS);
  }

  /**
   * Brings the retrieval index up to date now, between events, so the next
   * question does not pay for it. After an edit this re-derives only the
   * changed files (milliseconds); after a build it is the one full derivation.
   */
  private prewarm(): void {
    const engine = this.engine;
    setImmediate(() => {
      if (engine !== this.engine || !engine) return;
      const done = engine.warmUp();
      if (!done) return;
      this.log.debug(describeWarmUp(done));
      // Saved once built or restored; edits after that are saved with the index (saveTimer).
      if (done.how === "built" || done.how === "restored")
        void engine.save().catch((e: unknown) => this.log.warn(`could not save the retrieval cache: ${String(e)}`));
    });
  }

  /**
   * Reads the first folder's git history in the background and hands it to
   * the context engine when ready; until then (and without git, trust or the
   * setting) packages are ranked without it and say why. One follower per
   * folder and setting: a rebuild re-attaches it, reading only new commits.
   */
  private followHistory(): void {
    const engine = this.engine;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const config = vscode.workspace.getConfiguration();
    const first = folders[0];
    if (!engine || !first) return;
    if (!config.get<boolean>(Settings.historyEnabled, true)) {
      this.stopHistory();
      engine.useHistory({ unavailable: "history is switched off (threadline.history.enabled)" });
      return;
    }
    // git runs in the repository with its configuration: not before the user trusts it.
    if (!vscode.workspace.isTrusted) {
      engine.useHistory({ unavailable: "history is not read in Restricted Mode" });
      return;
    }
    const depth = config.get<number>(Settings.historyMaxCommits, DEFAULT_HISTORY_DEPTH);
    const key = `${first.uri.fsPath}\n${depth}\n${folders.length > 1 ? first.name : ""}`;
    if (this.history?.key !== key) {
      this.stopHistory();
      const follower = new HistoryFollower({
        workTree: first.uri.fsPath,
        cacheDir: this.storage ? path.join(this.storage.fsPath, "history") : undefined,
        depth,
        folderName: folders.length > 1 ? first.name : undefined,
        log: (line) => this.log.info(line),
        onStatus: (status) => this.showHistoryProgress(status),
      });
      this.history = { key, follower };
      follower.attach(engine);
      void follower.refresh();
    } else this.history.follower.attach(engine);
  }

  /** While history is read: a progress item in the status bar ("reading history 1500/30000"). */
  private showHistoryProgress(status: HistoryStatus): void {
    if (status.state !== "reading" || status.total === 0) {
      this.historyProgress?.done();
      this.historyProgress = undefined;
      return;
    }
    const message = `${status.done.toLocaleString("en-US")} / ${status.total.toLocaleString("en-US")} commits`;
    if (this.historyProgress) {
      this.historyProgress.report(message);
      return;
    }
    let done = () => undefined as void;
    let report: (m: string) => void = () => undefined;
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: "Threadline: reading history" },
      (progress) =>
        new Promise<void>((resolve) => {
          done = resolve;
          report = (m) => progress.report({ message: m });
          report(message);
        }),
    );
    this.historyProgress = { done: () => done(), report: (m) => report(m) };
  }

  private stopHistory(): void {
    this.historyProgress?.done();
    this.historyProgress = undefined;
    this.history?.follower.dispose();
    this.history = undefined;
  }

  /** "Click for details": stats, skipped files and problems, in the log. */
  showDetails(): void {
    const index = this.index;
    if (!index) {
      void vscode.window.showInformationMessage("Threadline: no workspace folder is open.");
      return;
    }
    this.logStats(index.stats());
    const h = this.history?.follower.current;
    this.log.info(
      !h
        ? "history: not used"
        : h.state === "ready"
          ? h.line
          : h.state === "reading"
            ? `history: reading (${h.done} of ${h.total} commits)`
            : `history: not used (${h.reason})`,
    );
    for (const p of index.problems()) this.log.warn(`${p.path}: ${p.message}`);
    this.log.show(true);
  }

  private logStats(stats: IndexStats): void {
    const skipped = Object.entries(stats.skipped)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(", ");
    this.log.info(
      `indexed ${stats.files} files, ${stats.symbols} symbols, ${stats.references} references ` +
        `(${stats.fromCache} from cache, ${stats.parseErrors} with syntax errors) in ${stats.ms} ms` +
        (skipped ? `; skipped ${skipped}` : ""),
    );
  }

  private show(status: IndexStatusDto): void {
    this.statusItem.text =
      status.state === "indexing"
        ? status.total > 0
          ? `$(sync~spin) Threadline ${status.done}/${status.total}`
          : "$(sync~spin) Threadline indexing…"
        : status.state === "ready"
          ? `$(database) Threadline ${status.files} files`
          : "$(error) Threadline";
    this.statusItem.tooltip =
      status.state === "ready"
        ? `${status.files} files, ${status.symbols} symbols indexed. Click for details.`
        : (status.message ?? "Indexing the workspace…");
    this.statusItem.show();
    this.onStatus(status);
  }

  dispose(): void {
    this.buildAbort?.abort();
    clearTimeout(this.updateTimer);
    clearTimeout(this.saveTimer);
    clearTimeout(this.headTimer);
    this.stopHistory();
    this.engine?.dispose();
    this.index?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** `files.exclude` globs that are switched on, as gitignore-style patterns. */
export function filesExcludePatterns(config: vscode.WorkspaceConfiguration): string[] {
  const globs = config.get<Record<string, boolean>>("files.exclude", {});
  return Object.entries(globs)
    .filter(([, on]) => on === true)
    .map(([glob]) => glob.replace(/^\*\*\//, ""));
}
