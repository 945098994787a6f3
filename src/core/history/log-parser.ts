import { forEachWord } from "../context/vocabulary";

/**
 * One commit as mined from `git log -p -U0`: what it says and what it touched.
 * Only code files are diffed (see `git-log.ts`), so `files` and `symbols` name code.
 */
export interface MinedCommit {
  id: string;
  /** Author time, seconds since the epoch. */
  time: number;
  /** The whole message, trimmed and cut at MAX_MESSAGE characters. */
  message: string;
  files: string[];
  /** Definitions the commit changed, as [index into `files`, simple name]. */
  symbols: [number, string][];
  /** The words of its changed lines, the most frequent first, as `word` or `word*count`. */
  words: string;
}

/** Separators the format string puts around each commit's header and message (see `git-log.ts`). */
export const RECORD = "\x1e";
export const FIELD = "\x1f";
export const MESSAGE_END = "\x1d";

const MAX_MESSAGE = 2000;
/** A commit's most frequent changed-line words kept; a mass edit's long tail says nothing more. */
const MAX_WORDS = 300;
/** Changed lines read per commit; the rest of a huge commit (vendored code, a reformat) is skipped. */
const MAX_LINES = 4000;
/** Definitions kept per commit: one that touches more shares its credit so thinly it hardly counts. */
const MAX_SYMBOLS = 400;

/** A definition's name from a hunk header (git's funcname) or a changed line. */
const DEFINITION =
  /(?:^|[\s(])(?:def|class|function\*?|func|fn|interface|struct|enum|trait|module|sub|procedure)\s+(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)/;
/** A method or function header without a keyword (`  parseHeader(x) {`, `static Foo bar(int x)`). */
const CALL_HEADER = /([A-Za-z_$][\w$]*)\s*\([^()]*\)?\s*(?::[^{]*)?\{?\s*$/;
const NOT_A_NAME = new Set(["if", "for", "while", "switch", "catch", "return", "function", "else", "elif", "with"]);

export function definitionName(line: string): string | undefined {
  const m = DEFINITION.exec(line);
  if (m) return m[1];
  const c = CALL_HEADER.exec(line.trim());
  return c && !NOT_A_NAME.has(c[1]!) ? c[1] : undefined;
}

/**
 * Parses `git log` output line by line: feed it every line (without its
 * newline) and it calls `emit` with each finished commit. A pure state
 * machine, so it is tested without git and fed from a stream with bounded memory.
 */
export class LogParser {
  private commit: MinedCommit | undefined;
  private message: string[] = [];
  private inMessage = false;
  private inHunk = false;
  private file = -1;
  private lines = 0;
  private counts = new Map<string, number>();
  private symbolKeys = new Set<string>();
  private pendingOld: string | undefined;

  constructor(private readonly emit: (commit: MinedCommit) => void) {}

  line(line: string): void {
    if (line.startsWith(RECORD)) {
      this.finish();
      const [id, time] = line.slice(1).split(FIELD);
      this.commit = { id: id!.trim(), time: Number(time) || 0, message: "", files: [], symbols: [], words: "" };
      this.inMessage = true;
      this.message = [];
      return;
    }
    const c = this.commit;
    if (!c) return;
    if (this.inMessage) {
      const end = line.indexOf(MESSAGE_END);
      if (end < 0) {
        this.message.push(line);
        return;
      }
      this.message.push(line.slice(0, end));
      c.message = this.message.join("\n").trim().slice(0, MAX_MESSAGE);
      this.inMessage = false;
      return;
    }
    if (line.startsWith("diff --git ")) {
      this.inHunk = false;
      this.file = -1;
      this.pendingOld = undefined;
      return;
    }
    if (!this.inHunk) {
      if (line.startsWith("--- ")) this.pendingOld = diffPath(line.slice(4));
      else if (line.startsWith("+++ ")) {
        const path = diffPath(line.slice(4)) ?? this.pendingOld;
        if (path !== undefined) this.file = c.files.push(path) - 1;
      }
    }
    if (line.startsWith("@@")) {
      this.inHunk = true;
      const header = /^@@ [^@]* @@ ?(.*)$/.exec(line);
      if (header?.[1]) this.addSymbol(definitionName(header[1]));
      return;
    }
    if (!this.inHunk || this.lines >= MAX_LINES) return;
    const first = line.charCodeAt(0);
    if (first !== 43 && first !== 45) return; // '+' or '-'
    this.lines++;
    const text = line.slice(1);
    if (/^\s*(?:async\s+)?(?:def|class|function|export|func|fn|pub|public|private|protected)\b/.test(text))
      this.addSymbol(definitionName(text));
    forEachWord(text, (w) => this.counts.set(w, (this.counts.get(w) ?? 0) + 1));
  }

  /** Flushes the last commit. */
  end(): void {
    this.finish();
  }

  private addSymbol(name: string | undefined): void {
    const c = this.commit;
    if (!c || !name || this.file < 0 || c.symbols.length >= MAX_SYMBOLS) return;
    const key = `${this.file}\n${name}`;
    if (this.symbolKeys.has(key)) return;
    this.symbolKeys.add(key);
    c.symbols.push([this.file, name]);
  }

  private finish(): void {
    const c = this.commit;
    if (!c) return;
    if (this.inMessage) c.message = this.message.join("\n").trim().slice(0, MAX_MESSAGE);
    c.words = [...this.counts]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, MAX_WORDS)
      .map(([w, n]) => (n > 1 ? `${w}*${n}` : w))
      .join(" ");
    this.emit(c);
    this.commit = undefined;
    this.inMessage = false;
    this.inHunk = false;
    this.file = -1;
    this.lines = 0;
    this.counts = new Map();
    this.symbolKeys = new Set();
    this.pendingOld = undefined;
  }
}

/** `a/src/x.py` → `src/x.py`; `/dev/null` → undefined; C-quoted paths are unquoted. */
function diffPath(raw: string): string | undefined {
  let p = raw.trim();
  if (p === "/dev/null") return undefined;
  if (p.startsWith('"') && p.endsWith('"')) {
    try {
      p = JSON.parse(p) as string;
    } catch {
      p = p.slice(1, -1);
    }
  }
  return p.replace(/^[ab]\//, "");
}

/** Expands `words` back to (word, count) pairs. */
export function forEachCommitWord(words: string, fn: (word: string, count: number) => void): void {
  if (!words) return;
  for (const item of words.split(" ")) {
    const star = item.lastIndexOf("*");
    if (star > 0) fn(item.slice(0, star), Number(item.slice(star + 1)) || 1);
    else fn(item, 1);
  }
}
