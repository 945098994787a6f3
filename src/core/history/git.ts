import { execFile, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import { codeExtensions, type GrammarSpec } from "../index/languages";
import { FIELD, LogParser, MESSAGE_END, RECORD, type MinedCommit } from "./log-parser";

/**
 * The `git` CLI, the only way history is read. Every call passes options that
 * keep a repository's own configuration from running anything (no external
 * diff, no textconv): repository text is data.
 */

/** Where history comes from: a work tree (its own `.git`) or a git directory, up to a revision. */
export interface GitSource {
  workTree?: string;
  gitDir?: string;
  /** A revision (`HEAD` when absent). */
  rev?: string;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: "no-git" | "not-a-repository" | "no-commits" | "bad-revision" | "failed" | "cancelled",
  ) {
    super(message);
  }
}

/**
 * git's built-in funcname driver of each parsed language where git has one, so each hunk
 * header names the enclosing definition; JavaScript and TypeScript get a pattern of ours.
 */
const DRIVER: Record<GrammarSpec["id"], string> = {
  python: "python",
  go: "golang",
  rust: "rust",
  java: "java",
  cpp: "cpp",
  csharp: "csharp",
  ruby: "ruby",
  php: "php",
  bash: "bash",
  typescript: "tljs",
  tsx: "tljs",
  javascript: "tljs",
};

/**
 * Code files only, the index's own extensions: history credits definitions, and a
 * docs-only commit has none. A `*.ext` pathspec matches at any depth.
 */
export const CODE_PATHSPECS = codeExtensions.map(([ext]) => `*${ext}`);

const JS_FUNCNAME =
  "^[ \\t]*((export[ \\t]+)?(default[ \\t]+)?(abstract[ \\t]+)?(async[ \\t]+)?(function\\*?|class|interface|enum|namespace)[ \\t].*" +
  "|[ \\t]*((public|private|protected|static|async|get|set|readonly)[ \\t]+)*[A-Za-z_$][A-Za-z0-9_$]*[ \\t]*\\(.*\\)[ \\t]*(:[^{]*)?\\{[ \\t]*" +
  "|[ \\t]*(export[ \\t]+)?(const|let)[ \\t]+[A-Za-z_$][A-Za-z0-9_$]*[ \\t]*=.*=>.*)$";

/** `-c` options passed to every command (the diff drivers' attributes are in `driverConfig`). */
function configArgs(): string[] {
  return [
    "-c",
    "core.quotepath=off",
    "-c",
    `diff.tljs.xfuncname=${JS_FUNCNAME}`,
    // Never a pager, never a credential prompt.
    "-c",
    "core.pager=cat",
  ];
}

function baseArgs(src: GitSource): string[] {
  const args = ["--no-optional-locks"];
  if (src.gitDir) args.push(`--git-dir=${src.gitDir}`);
  else if (src.workTree) args.push("-C", src.workTree);
  return [...args, ...configArgs()];
}

/** Read per call, so a changed PATH (git installed or removed while running) is seen. */
const env = () => ({ ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" });

/** Runs git and returns its standard output; errors become `GitError`s with a closed code. */
export function git(src: GitSource, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...baseArgs(src), ...args],
      { env: env(), maxBuffer: 1 << 30, signal, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        reject(toGitError(error, stderr));
      },
    );
  });
}

function toGitError(error: { name: string; message: string; code?: unknown }, stderr: string): GitError {
  if (error.name === "AbortError") return new GitError("cancelled", "cancelled");
  if (error.code === "ENOENT") return new GitError("git is not installed (not found on PATH)", "no-git");
  const text = stderr.trim().split("\n")[0] ?? "";
  if (/not a git repository/i.test(text)) return new GitError("not a git repository", "not-a-repository");
  if (/unknown revision|bad revision|ambiguous argument|Needed a single revision|bad object/i.test(text))
    return new GitError(text, "bad-revision");
  return new GitError(text || error.message, "failed");
}

/** What `describe` finds: the resolved commit, and whether the clone is shallow. */
export interface RepositoryInfo {
  head: string;
  shallow: boolean;
}

/** Resolves the revision; says clearly when there is no git, no repository or no commit yet. */
export async function describeRepository(src: GitSource, signal?: AbortSignal): Promise<RepositoryInfo> {
  const rev = src.rev ?? "HEAD";
  let head: string;
  try {
    head = (await git(src, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], signal)).trim();
  } catch (e) {
    if (e instanceof GitError && e.code === "failed" && rev === "HEAD")
      throw new GitError("the repository has no commits yet", "no-commits");
    if (e instanceof GitError && e.code === "failed") throw new GitError(`unknown revision ${rev}`, "bad-revision");
    throw e;
  }
  if (!head)
    throw new GitError(rev === "HEAD" ? "the repository has no commits yet" : `unknown revision ${rev}`, "no-commits");
  const shallow = (await git(src, ["rev-parse", "--is-shallow-repository"], signal)).trim() === "true";
  return { head, shallow };
}

/**
 * Non-merge commits reachable from `rev`, newest first, at most `depth`. No
 * pathspec: limiting by path makes git diff every commit's tree (8 s instead
 * of 0.3 s on sympy); commits that touch no code are mined once and marked.
 */
export async function listCommits(src: GitSource, rev: string, depth: number, signal?: AbortSignal): Promise<string[]> {
  const out = await git(src, ["rev-list", "--no-merges", `--max-count=${depth}`, rev], signal);
  return out.split("\n").filter((l) => l.length > 0);
}

const FORMAT = `--format=${RECORD}%H${FIELD}%at%n%B${MESSAGE_END}`;

/**
 * Mines exactly the given commits (`--no-walk --stdin`): message, files and
 * definitions touched, changed-line words. Streams, so memory stays bounded
 * by one commit; `onProgress` hears the count so far.
 */
export function mineCommits(
  src: GitSource,
  ids: readonly string[],
  onCommit: (c: MinedCommit) => void,
  options: { signal?: AbortSignal; onProgress?: (done: number) => void } = {},
): Promise<void> {
  if (ids.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(
      "git",
      [
        ...baseArgs(src),
        ...driverConfig(),
        "log",
        "--no-walk=unsorted",
        "--stdin",
        "--no-merges",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        FORMAT,
        "--",
        ...CODE_PATHSPECS,
      ],
      { env: env(), signal: options.signal, stdio: ["pipe", "pipe", "pipe"] },
    );
    let done = 0;
    const parser = new LogParser((c) => {
      done++;
      if (options.onProgress && done % 500 === 0) options.onProgress(done);
      onCommit(c);
    });
    const lines = readline.createInterface({ input: child.stdout, crlfDelay: Infinity });
    lines.on("line", (l) => parser.line(l));
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdin.on("error", () => undefined);
    child.on("error", (e) => reject(toGitError(e, stderr)));
    child.on("close", (code) => {
      lines.close();
      if (options.signal?.aborted) return reject(new GitError("cancelled", "cancelled"));
      if (code !== 0)
        return reject(new GitError(stderr.trim().split("\n")[0] || `git log exited with ${code}`, "failed"));
      parser.end();
      options.onProgress?.(done);
      resolve();
    });
    child.stdin.end(ids.join("\n") + "\n");
  });
}

/**
 * git reads diff drivers from attributes, and git 2.39 has no command-line
 * form of them, so ours are one small file in the temp folder, written once
 * (atomically) and passed as `core.attributesFile`. The repository's own
 * `.gitattributes` still wins, as it should; it can name a driver but
 * `--no-ext-diff --no-textconv` keep any driver from running a program.
 */
function driverConfig(): string[] {
  const body = codeExtensions.map(([ext, language]) => `*${ext} diff=${DRIVER[language]}\n`).join("");
  const file = path.join(os.tmpdir(), `threadline-git-attributes-${hashOf(body)}`);
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
  }
  return ["-c", `core.attributesFile=${file}`];
}

function hashOf(text: string): string {
  return crypto.createHash("sha1").update(text).digest("hex").slice(0, 12);
}
