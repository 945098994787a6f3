import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { WorkspacePath } from "../index/types";
import { errorMessage } from "../result";
import { CommitStore } from "./commit-store";
import { GitError, describeRepository, git, listCommits, mineCommits, type GitSource } from "./git";
import { HistoryIndex } from "./history-index";

/** Commits read by default: enough for years of a busy project, bounded for a huge one. */
export const DEFAULT_HISTORY_DEPTH = 30000;

export interface OpenHistoryOptions {
  /** Where mined commits persist; absent: mined again each time. */
  cacheFile?: string;
  /** The newest this many code-touching commits (non-merge) are read. */
  depth?: number;
  signal?: AbortSignal;
  /** Hears "reading history: 1,500 of 30,000 commits" style progress. */
  onProgress?: (done: number, total: number) => void;
  log?: (line: string) => void;
  /** Turns a path relative to the repository's top into a workspace path. */
  mapPath?: (gitPath: string) => WorkspacePath | undefined;
  /**
   * The store a long-running host keeps between refreshes, so a moved HEAD costs the new
   * commits and a view, not a reload; loaded from `cacheFile` when absent.
   */
  store?: CommitStore;
}

/** A history view, or the one-line reason there is none. */
export type HistoryResult =
  | {
      ok: true;
      index: HistoryIndex;
      head: string;
      shallow: boolean;
      mined: number;
      ms: number;
      note?: string;
      store: CommitStore;
    }
  | { ok: false; reason: string; code: GitError["code"] };

/**
 * The history of `src` up to its revision: lists the reachable commits, mines
 * only those the store lacks (so after the first time, only new commits are
 * read), persists the store, and builds the view. Never throws: no git, no
 * repository, no commits or a bad revision come back as a reason.
 */
export async function openHistory(src: GitSource, options: OpenHistoryOptions = {}): Promise<HistoryResult> {
  const t = performance.now();
  const depth = options.depth ?? DEFAULT_HISTORY_DEPTH;
  try {
    const repo = await describeRepository(src, options.signal);
    const ids = await listCommits(src, repo.head, depth, options.signal);
    const { store, rejected } = options.store ? { store: options.store } : CommitStore.load(options.cacheFile);
    if (rejected) options.log?.(`history cache ${options.cacheFile} rejected (${rejected}); reading history again`);
    const missing = ids.filter((id) => !store.has(id));
    let mined = 0;
    try {
      if (missing.length > 0) {
        options.onProgress?.(0, missing.length);
        await mineCommits(src, missing, (c) => (store.add(c), mined++), {
          signal: options.signal,
          onProgress: (done) => options.onProgress?.(done, missing.length),
        });
        // Asked for but not shown: they touched no code file.
        store.markEmpty(missing);
      }
    } finally {
      // What was mined is kept even when cancelled: the next try reads only the rest.
      if (options.cacheFile && store.dirty) {
        // A store much larger than one view is mostly unreachable commits (rebases, old branches).
        if (store.commits.size > 2 * depth) store.prune(new Set(ids));
        await store.save(options.cacheFile).catch((e: unknown) => {
          options.log?.(`could not save the history cache: ${errorMessage(e)}`);
        });
      }
    }
    const commits = ids.map((id) => store.commits.get(id)).filter((c) => c !== undefined);
    const index = new HistoryIndex(commits, store.vocabulary, options.mapPath);
    return {
      ok: true,
      index,
      head: repo.head,
      shallow: repo.shallow,
      mined,
      store,
      ms: performance.now() - t,
      ...(repo.shallow ? { note: `shallow clone: history has only the ${commits.length} commits fetched` } : {}),
    };
  } catch (e) {
    if (e instanceof GitError) return { ok: false, reason: e.message, code: e.code };
    return { ok: false, reason: errorMessage(e), code: "failed" };
  }
}

/** One line for the index details or a log: what history the ranking has. */
export function describeHistory(r: HistoryResult): string {
  if (!r.ok) return `history: not used (${r.reason})`;
  const newest = r.index.newest;
  const date = newest ? new Date(newest.time * 1000).toISOString().slice(0, 10) : "none";
  return (
    `history: ${r.index.size.toLocaleString("en-US")} commits to ${r.head.slice(0, 7)} (newest ${date})` +
    (r.mined > 0 ? `, ${r.mined.toLocaleString("en-US")} read now` : "") +
    ` in ${Math.round(r.ms)} ms` +
    (r.note ? `; ${r.note}` : "")
  );
}

/**
 * Where a repository's mined history persists: in the given cache folder,
 * or in the user's cache folder (history is expensive to read and the same
 * for every checkout of one repository), keyed by the git directory.
 */
export function historyCacheFile(gitDir: string, cacheDir?: string): string {
  const key = crypto.createHash("sha1").update(path.resolve(gitDir)).digest("hex").slice(0, 16);
  const base =
    cacheDir ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "threadline", "history");
  return path.join(base, `history-${key}.bin`);
}

/**
 * The git directory and the workspace folder's place in it, for a work tree:
 * `prefix` is the folder's path below the repository's top ("" at the top).
 */
export async function locateRepository(
  workTree: string,
  signal?: AbortSignal,
): Promise<{ gitDir: string; prefix: string } | { reason: string }> {
  return locate(workTree, signal).catch((e: unknown) => ({ reason: errorMessage(e) }));
}

/** `locateRepository`, throwing a `GitError` ("not a git repository", "git is not installed …"). */
async function locate(workTree: string, signal?: AbortSignal): Promise<{ gitDir: string; prefix: string }> {
  if (!fs.existsSync(workTree)) throw new GitError(`no folder ${workTree}`, "not-a-repository");
  const out = await git({ workTree }, ["rev-parse", "--absolute-git-dir", "--show-prefix"], signal);
  const [gitDir, prefix] = out.split("\n");
  return { gitDir: gitDir!.trim(), prefix: (prefix ?? "").trim() };
}

/**
 * The history of a work tree up to `rev` (HEAD): finds its git directory and
 * the folder's place in it (paths map into the folder, named `folderName` in a
 * multi-root workspace), then `openHistory`. `cacheFileFor` names the cache file
 * of that git directory; without it nothing is persisted. Never throws.
 */
export async function openWorkTreeHistory(
  workTree: string,
  options: Omit<OpenHistoryOptions, "cacheFile" | "mapPath"> & {
    rev?: string;
    folderName?: string;
    cacheFileFor?: (gitDir: string) => string;
  } = {},
): Promise<HistoryResult> {
  let located;
  try {
    located = await locate(workTree, options.signal);
  } catch (e) {
    if (e instanceof GitError) return { ok: false, reason: e.message, code: e.code };
    return { ok: false, reason: errorMessage(e), code: "failed" };
  }
  return openHistory(
    { workTree, rev: options.rev },
    {
      ...options,
      cacheFile: options.cacheFileFor?.(located.gitDir),
      mapPath: folderPathMapper(located.prefix, options.folderName),
    },
  );
}

/** Maps repository paths into a workspace folder below `prefix`, named `folderName` in a multi-root workspace. */
export function folderPathMapper(prefix: string, folderName?: string): (gitPath: string) => WorkspacePath | undefined {
  return (p) => {
    if (prefix && !p.startsWith(prefix)) return undefined;
    const rel = p.slice(prefix.length);
    return folderName ? `${folderName}/${rel}` : rel;
  };
}
