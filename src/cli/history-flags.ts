import type { HistoryLookup } from "../core/context/types";
import {
  DEFAULT_HISTORY_DEPTH,
  describeHistory,
  historyCacheFile,
  openHistory,
  openWorkTreeHistory,
} from "../core/history/open-history";
import { type FlagSpec, type ParsedArgs, UsageError, intFlag, stringFlag } from "./args";

export const HISTORY_FLAGS: FlagSpec[] = [
  {
    name: "git-dir",
    value: "<dir>",
    description:
      "Read history from this git directory (a bare mirror, say) instead of the repository's own .git; " +
      "for a tree exported without .git.",
  },
  { name: "git-rev", value: "<rev>", description: "History up to this revision.", default: "HEAD" },
  {
    name: "history-depth",
    value: "<n>",
    description: "The newest n code-touching commits are read.",
    default: String(DEFAULT_HISTORY_DEPTH),
  },
  { name: "no-history", description: "Rank without the repository's history." },
];

/**
 * The history signal for a CLI command: from `--git-dir` up to `--git-rev`, or
 * from the repository's own git up to HEAD; undefined with `--no-history`.
 * Mined commits persist in the cache folder, or in the user's cache folder, so
 * only new commits are read next time. Without git it says why on stderr, and
 * the reason goes to the engine, which records it in the package.
 */
export async function cliHistory(
  args: ParsedArgs,
  repo: string,
  cacheDir: string | undefined,
): Promise<HistoryLookup | { unavailable: string } | undefined> {
  if (args.flags.get("no-history") === true) return undefined;
  const depth = intFlag(args, "history-depth", DEFAULT_HISTORY_DEPTH);
  if (depth < 1) throw new UsageError("--history-depth must be at least 1");
  const gitDir = stringFlag(args, "git-dir");
  const rev = stringFlag(args, "git-rev");
  let last = 0;
  const options = {
    depth,
    log: (line: string) => process.stderr.write(`threadline: ${line}\n`),
    onProgress: (done: number, total: number) => {
      if (done !== total && performance.now() - last < 2000) return;
      last = performance.now();
      process.stderr.write(`threadline: reading history: ${done} of ${total} commits\n`);
    },
  };
  const result = gitDir
    ? await openHistory({ gitDir, rev }, { ...options, cacheFile: historyCacheFile(gitDir, cacheDir) })
    : await openWorkTreeHistory(repo, { ...options, rev, cacheFileFor: (dir) => historyCacheFile(dir, cacheDir) });
  process.stderr.write(`threadline: ${describeHistory(result)}\n`);
  return result.ok ? result.index : { unavailable: result.reason };
}
