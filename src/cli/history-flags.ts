import type { ContextOptions } from "../core/context/types";
import {
  describeHistory,
  folderPathMapper,
  historyCacheFile,
  locateRepository,
  openHistory,
  DEFAULT_HISTORY_DEPTH,
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
 * from the repository's own git up to HEAD. Mined commits persist in the cache
 * folder, or in the user's cache folder, so only new commits are read next
 * time. Without git it says why on stderr and the package records it.
 */
export async function cliHistory(
  args: ParsedArgs,
  repo: string,
  cacheDir: string | undefined,
): Promise<Pick<ContextOptions, "history" | "historyUnavailable">> {
  if (args.flags.get("no-history") === true) return {};
  const depth = intFlag(args, "history-depth", DEFAULT_HISTORY_DEPTH);
  if (depth < 1) throw new UsageError("--history-depth must be at least 1");
  const gitDirFlag = stringFlag(args, "git-dir");
  const rev = stringFlag(args, "git-rev");
  let source;
  let mapPath;
  let gitDir: string;
  if (gitDirFlag) {
    source = { gitDir: gitDirFlag, rev };
    gitDir = gitDirFlag;
  } else {
    const located = await locateRepository(repo);
    if ("reason" in located) {
      process.stderr.write(`threadline: history: not used (${located.reason})\n`);
      return { historyUnavailable: located.reason };
    }
    source = { workTree: repo, rev };
    gitDir = located.gitDir;
    mapPath = folderPathMapper(located.prefix);
  }
  let last = 0;
  const result = await openHistory(source, {
    cacheFile: historyCacheFile(gitDir, cacheDir),
    depth,
    mapPath,
    log: (line) => process.stderr.write(`threadline: ${line}\n`),
    onProgress: (done, total) => {
      if (done !== total && performance.now() - last < 2000) return;
      last = performance.now();
      process.stderr.write(`threadline: reading history: ${done} of ${total} commits\n`);
    },
  });
  process.stderr.write(`threadline: ${describeHistory(result)}\n`);
  return result.ok ? { history: result.index } : { historyUnavailable: result.reason };
}
