import { statSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import ignore, { type Ignore } from "ignore";
import { errorMessage } from "../result";
import { hasBinaryExtension, languageForPath } from "./languages";
import type { IndexProblem, LanguageId, SkipReason } from "./types";

export interface DiscoverOptions {
  /** Files above this many bytes are skipped. */
  maxFileBytes: number;
  /** Extra gitignore-style patterns (the editor's `files.exclude`, settings). */
  exclude: readonly string[];
  signal?: AbortSignal;
}

export interface FoundFile {
  /** POSIX path relative to the root. */
  rel: string;
  abs: string;
  lang: LanguageId;
  size: number;
  mtimeMs: number;
}

export interface Discovery {
  files: FoundFile[];
  skipped: Partial<Record<SkipReason | "unsupported", number>>;
  problems: IndexProblem[];
}

export const DEFAULT_EXCLUDES = [".git/", ".hg/", ".svn/", "node_modules/", "__pycache__/", ".DS_Store"];
export const IGNORE_FILES = [".gitignore", ".threadlineignore"];

interface Matcher {
  /** Directory the patterns are relative to, POSIX, "" for the root. */
  base: string;
  ig: Ignore;
}

/**
 * Lists the indexable files under `root`, honouring nested `.gitignore`,
 * `.threadlineignore`, `.git/info/exclude` and extra patterns, and following
 * symlinks without looping.
 */
export async function discoverFiles(root: string, options: DiscoverOptions): Promise<Discovery> {
  const out: Discovery = { files: [], skipped: {}, problems: [] };
  const bump = (r: SkipReason | "unsupported") => (out.skipped[r] = (out.skipped[r] ?? 0) + 1);
  const rootIg = await rootMatcher(root, options);
  const visited = new Set<string>();

  // Real paths of visited folders. A plain subfolder's real path is its parent's plus its name,
  // so only symlinks cost a realpath() call.
  const walk = async (dir: string, real: string, rel: string, matchers: Matcher[]): Promise<void> => {
    if (options.signal?.aborted) return;
    if (visited.has(real)) {
      bump("symlinkLoop");
      return;
    }
    visited.add(real);
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      bump("unreadable");
      out.problems.push({ path: rel || ".", message: errorMessage(e) });
      return;
    }
    const present = IGNORE_FILES.filter((f) => entries.some((e) => e.name === f));
    const local = present.length > 0 ? await localMatcher(dir, rel, present) : undefined;
    const chain = local ? [...matchers, local] : matchers;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: Promise<void>[] = [];
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let childReal = path.join(real, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await fs.stat(abs).catch(() => undefined);
        if (!target) {
          bump("unreadable");
          continue;
        }
        isDir = target.isDirectory();
        if (isDir) childReal = await fs.realpath(abs).catch(() => abs);
      }
      if (isIgnored(chain, childRel, isDir)) {
        bump("ignored");
        continue;
      }
      if (isDir) {
        subdirs.push(walk(abs, childReal, childRel, chain));
        continue;
      }
      if (hasBinaryExtension(entry.name)) {
        bump("binary");
        continue;
      }
      const lang = languageForPath(entry.name);
      if (!lang) {
        bump("unsupported");
        continue;
      }
      // Synchronous like the index's reads: one stat is cheaper than its promise (see workspace-index.ts).
      try {
        const st = statSync(abs);
        if (!st.isFile()) continue;
        if (st.size > options.maxFileBytes) bump("tooLarge");
        else out.files.push({ rel: childRel, abs, lang, size: st.size, mtimeMs: st.mtimeMs });
      } catch (e) {
        bump("unreadable");
        out.problems.push({ path: childRel, message: errorMessage(e) });
      }
    }
    await Promise.all(subdirs);
  };

  let rootReal: string;
  try {
    rootReal = await fs.realpath(root);
  } catch (e) {
    out.problems.push({ path: ".", message: errorMessage(e) });
    bump("unreadable");
    return out;
  }
  await walk(root, rootReal, "", [{ base: "", ig: rootIg }]);
  out.files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return out;
}

/** The matcher chain for one path, read from the ignore files along it (for single-file updates). */
export async function isPathIgnored(root: string, rel: string, options: DiscoverOptions): Promise<boolean> {
  const chain: Matcher[] = [{ base: "", ig: await rootMatcher(root, options) }];
  const top = await localMatcher(root, "");
  if (top) chain.push(top);
  const parts = rel.split("/");
  for (let i = 0; i < parts.length; i++) {
    const sub = parts.slice(0, i + 1).join("/");
    if (isIgnored(chain, sub, i < parts.length - 1)) return true;
    if (i === parts.length - 1) break;
    const local = await localMatcher(path.join(root, ...parts.slice(0, i + 1)), sub);
    if (local) chain.push(local);
  }
  return false;
}

async function rootMatcher(root: string, options: DiscoverOptions): Promise<Ignore> {
  const ig = ignore()
    .add(DEFAULT_EXCLUDES)
    .add([...options.exclude]);
  const exclude = await readText(path.join(root, ".git", "info", "exclude"));
  return exclude ? ig.add(exclude) : ig;
}

async function localMatcher(dir: string, rel: string, names = IGNORE_FILES): Promise<Matcher | undefined> {
  const texts = await Promise.all(names.map((f) => readText(path.join(dir, f))));
  const found = texts.filter((t): t is string => !!t);
  if (found.length === 0) return undefined;
  // A string is split into lines by `ignore`; an array would be taken as one pattern per element.
  const ig = ignore();
  for (const text of found) ig.add(text);
  return { base: rel, ig };
}

/** Evaluates matchers from the root down, so a deeper `!pattern` can re-include. */
export function isIgnored(chain: readonly Matcher[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, ig } of chain) {
    if (base && !rel.startsWith(base + "/")) continue;
    const local = (base ? rel.slice(base.length + 1) : rel) + (isDir ? "/" : "");
    const r = ig.test(local);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch {
    return undefined;
  }
}
