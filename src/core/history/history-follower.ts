import type { HistoryLookup } from "../context/types";
import { describeHistory, historyCacheFile, openWorkTreeHistory, type HistoryResult } from "./open-history";
import { git } from "./git";

/** HEAD is checked at most this often by `refreshIfMoved`. */
const MOVE_CHECK_MS = 2000;

/** Where a host's history stands, for its status line and index details. */
export type HistoryStatus =
  | { state: "reading"; done: number; total: number }
  | { state: "ready"; line: string }
  | { state: "unavailable"; reason: string };

/** What a context engine takes: the history, or why there is none yet. */
export interface HistoryTarget {
  useHistory(history: HistoryLookup | { unavailable: string }): void;
}

/**
 * Keeps one work tree's history current for a host (the editor, the MCP
 * server): reads it in the background, never blocking a question (until it is
 * ready, questions are ranked without it and their packages say why), and
 * reads only new commits when HEAD moves. Refreshes coalesce: a refresh asked
 * for while one runs runs once more after it.
 */
export class HistoryFollower {
  private latest: HistoryResult | undefined;
  private status: HistoryStatus = { state: "reading", done: 0, total: 0 };
  private running: Promise<void> | undefined;
  private again = false;
  private readonly abort = new AbortController();
  private target: HistoryTarget | undefined;
  private lastCheck = -Infinity;

  constructor(
    private readonly options: {
      workTree: string;
      /** The host's cache folder; the history file is keyed by the git directory inside it. */
      cacheDir?: string;
      depth?: number;
      /** The folder's name in a multi-root workspace (workspace paths start with it). */
      folderName?: string;
      log?: (line: string) => void;
      onStatus?: (status: HistoryStatus) => void;
    },
  ) {}

  /** Hands the history (or the reason there is none) to an engine now and after every refresh. */
  attach(target: HistoryTarget): void {
    this.target = target;
    this.apply();
  }

  get current(): HistoryStatus {
    return this.status;
  }

  /** Reads what is new since the last refresh; resolves when the history is current. */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
      if (this.again && !this.abort.signal.aborted) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.running;
  }

  /**
   * Refreshes when HEAD has moved since the history was read (a commit, a pull, a checkout),
   * for hosts that cannot watch `.git` (the MCP server). One `git rev-parse` at most every
   * couple of seconds; resolves when any refresh it started is done.
   */
  async refreshIfMoved(): Promise<void> {
    const latest = this.latest;
    if (this.running || !latest?.ok || performance.now() - this.lastCheck < MOVE_CHECK_MS) return;
    this.lastCheck = performance.now();
    const head = await git({ workTree: this.options.workTree }, ["rev-parse", "HEAD"], this.abort.signal).then(
      (out) => out.trim(),
      () => undefined,
    );
    if (head && head !== latest.head) await this.refresh();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const cacheDir = this.options.cacheDir;
    const result = await openWorkTreeHistory(this.options.workTree, {
      cacheFileFor: cacheDir ? (gitDir) => historyCacheFile(gitDir, cacheDir) : undefined,
      store: this.latest?.ok ? this.latest.store : undefined,
      depth: this.options.depth,
      folderName: this.options.folderName,
      signal,
      log: this.options.log,
      onProgress: (done, total) => {
        // A refresh after the first keeps answering with the history it has while it reads.
        if (!this.latest?.ok) this.setStatus({ state: "reading", done, total });
      },
    });
    if (signal.aborted) return;
    if (!result.ok && result.code === "cancelled") return;
    this.latest = result;
    this.options.log?.(describeHistory(result));
    this.setStatus(
      result.ok ? { state: "ready", line: describeHistory(result) } : { state: "unavailable", reason: result.reason },
    );
  }

  private setStatus(status: HistoryStatus): void {
    this.status = status;
    this.apply();
    this.options.onStatus?.(status);
  }

  private apply(): void {
    const t = this.target;
    if (!t) return;
    if (this.latest?.ok) t.useHistory(this.latest.index);
    else if (this.status.state === "unavailable") t.useHistory({ unavailable: this.status.reason });
    else if (this.status.state === "reading")
      t.useHistory({
        unavailable:
          this.status.total > 0
            ? `history is still being read (${this.status.done} of ${this.status.total} commits)`
            : "history is still being read",
      });
  }

  dispose(): void {
    this.abort.abort();
    this.target = undefined;
  }
}
