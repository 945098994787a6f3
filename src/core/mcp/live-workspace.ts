import * as path from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { ContextEngine, describeWarmUp } from "../context/context-engine";
import { HistoryFollower } from "../history/history-follower";
import { retrievalCacheFile } from "../context/retrieval-cache";
import { createNodeIndex } from "../index/node/create";
import type { IndexStats } from "../index/types";
import type { WorkspaceIndex } from "../index/workspace-index";
import type { ToolWorkspace } from "../agent-tools/agent-tools";

/** File events are gathered this long before the index is updated, so a save burst is one update. */
const UPDATE_DEBOUNCE_MS = 150;
/** Folders never worth watching: the index ignores them anyway, and watching them costs inotify handles. */
const NEVER_WATCHED = new Set([".git", "node_modules", ".hg", ".svn", "__pycache__", ".venv", ".tox"]);

export interface LiveWorkspaceOptions {
  cacheDir?: string;
  /** Off for one-shot uses; the MCP server watches. */
  watch?: boolean;
  log?: (message: string) => void;
  /** Read the repository's git history for ranking (default on). */
  history?: boolean;
}

/**
 * One repository, indexed in the background and kept current: the build
 * reports progress and questions asked before it ends are answered from what
 * is indexed so far; afterwards, file events update the index incrementally
 * (and the context engine follows it). Outside any editor: the MCP server's
 * workspace.
 */
export class LiveWorkspace implements ToolWorkspace {
  readonly index: WorkspaceIndex;
  readonly engine: ContextEngine;
  readonly ready: Promise<IndexStats>;
  private building: { done: number; total: number } | undefined = { done: 0, total: 0 };
  private watcher: FSWatcher | undefined;
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private updating: Promise<void> = Promise.resolve();
  private readonly log: (message: string) => void;
  private disposed = false;
  /** The repository's history, read in the background once the index is built (not at all with `history: false`). */
  readonly history: HistoryFollower | undefined;

  constructor(
    readonly root: string,
    options: LiveWorkspaceOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
    this.index = createNodeIndex([{ name: path.basename(path.resolve(root)), path: root }], {
      cacheDir: options.cacheDir,
      onProgress: (done, total) => {
        if (this.building) this.building = { done, total };
      },
    });
    this.engine = new ContextEngine(this.index, {
      cacheFile: options.cacheDir ? retrievalCacheFile(options.cacheDir, [root]) : undefined,
      log: this.log,
    });
    // A warm start's token encoder loads on a worker beside the index.
    this.engine.preload();
    if (options.history !== false) {
      this.history = new HistoryFollower({ workTree: root, cacheDir: options.cacheDir, log: this.log });
      this.history.attach(this.engine);
    }
    // Watch from the start, so edits made during the build are not lost; they are applied after it.
    if (options.watch) this.startWatching();
    this.ready = this.index.build().then(async (stats) => {
      this.building = undefined;
      this.log(
        `indexed ${stats.files} files, ${stats.symbols} symbols in ${stats.ms} ms (${stats.fromCache} from cache)`,
      );
      await this.index.save().catch((e: unknown) => this.log(`could not save the index cache: ${String(e)}`));
      if (this.pending.size > 0) this.schedule();
      else this.prewarm();
      // git reads while questions are answered; it never blocks one.
      void this.history?.refresh();
      return stats;
    });
  }

  /** The watcher leaves `.git` alone, so a question is when a moved HEAD is noticed (for the next one). */
  questionArrived(): void {
    void this.history?.refreshIfMoved();
  }

  progress(): { done: number; total: number } | undefined {
    return this.building;
  }

  private startWatching(): void {
    this.watcher = watch(this.root, {
      ignoreInitial: true,
      ignored: (p: string) => NEVER_WATCHED.has(path.basename(p)),
      awaitWriteFinish: false,
    });
    const queue = (p: string) => {
      this.pending.add(path.resolve(p));
      if (!this.building) this.schedule();
    };
    this.watcher.on("add", queue).on("change", queue).on("unlink", queue);
    this.watcher.on("error", (e: unknown) => this.log(`file watching failed: ${String(e)}`));
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, UPDATE_DEBOUNCE_MS);
  }

  private flush(): void {
    const paths = [...this.pending];
    this.pending.clear();
    if (paths.length === 0) return;
    this.updating = this.updating.then(async () => {
      try {
        const results = await this.index.update(paths);
        const changed = [...results.values()].filter((r) => r !== "unchanged" && r !== "skipped").length;
        if (changed > 0) {
          this.log(`updated ${changed} file(s)`);
          await this.index.save().catch(() => undefined);
          if (this.pending.size === 0) this.prewarm();
        }
      } catch (e) {
        this.log(`index update failed: ${String(e)}`);
      }
    });
  }

  /**
   * Brings the retrieval index up to date (and loads the token counter) right after the
   * workspace index changed, so that a question asked a moment later does not pay for it.
   */
  private prewarm(): void {
    setImmediate(() => {
      if (this.disposed) return;
      const done = this.engine.warmUp();
      if (!done) return;
      this.log(describeWarmUp(done));
      // Saved once built or restored; edits after that are saved when the server stops.
      if (done.how === "built" || done.how === "restored")
        void this.engine.save().catch((e: unknown) => this.log(`could not save the retrieval cache: ${String(e)}`));
    });
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.history?.dispose();
    clearTimeout(this.timer);
    await this.watcher?.close();
    await this.ready.catch(() => undefined);
    await this.engine.save().catch((e: unknown) => this.log(`could not save the retrieval cache: ${String(e)}`));
    await this.updating;
    this.engine.dispose();
    this.index.dispose();
  }
}
