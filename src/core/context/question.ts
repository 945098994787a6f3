/**
 * What a question names explicitly: identifiers, file paths, `file:line`
 * mentions and stack-trace frames. These are matched exactly against the index.
 */
export interface QuestionMentions {
  /** Identifier-like words as written (`Request.register_hook`, `parse_expr`). */
  identifiers: string[];
  /** Path-like words (`requests/models.py`, `models.py`). */
  paths: string[];
  /** `path:line` mentions and traceback frames. */
  lines: { path: string; line: number; func?: string }[];
  /** Literal text to find in the code: error messages and quoted strings, cut at their variable parts. */
  phrases: string[];
  /** Capitalised names called like functions (`Intersection({1}, {x})`): the question runs their constructors. */
  instantiated: string[];
}

const PATH =
  /(?:[\w.-]+\/)*[\w.-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|sh|md|rst|toml|cfg|ini|ya?ml|json)\b/g;
const PATH_LINE = /((?:[\w.-]+\/)*[\w.-]+\.[A-Za-z]{1,5}):(\d+)/g;
const PY_FRAME = /File "([^"]+)", line (\d+)(?:, in (\w+))?/g;
const CONSTRUCTOR_CALL = /\b([A-Z]\w*)\(/g;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g;
/**
 * A plain word in inline code (`uniq`, `uniq(f)`): the writer marked it as code, so it is a name
 * even without an underscore or a capital. Not in a fenced block, and not a one- or two-letter
 * variable (`x`, `f`).
 */
const INLINE_CODE_NAME = /(?<!`)`([A-Za-z_][A-Za-z0-9_]{2,})(?:\([^`\n]*\))?`(?!`)/g;
/**
 * A plain word called in prose (`partitions() reuses…`, `ccode(sinc(x)) fails`): English puts no
 * bracket straight after a word, except a plural's "(s)". Only in prose: pasted code calls
 * builtins and helpers (`print(`, `symbols(`) that say nothing about where the answer is.
 * With the inline-code names, SWE-bench dev function / line: at 8k 58.3 / 57.6 → 60.7 / 60.1
 * without history and 59.2 / 60.1 → 61.2 / 61.4 with it (inline code alone: 59.7 / 59.2 and
 * 61.2 / 61.4); at 4k 51.3 / 50.9 → 52.3 / 51.8 and 52.4 / 52.3 → 54.4 / 54.2; at 16k 64.1 / 64.1
 * → 65.5 / 65.7 and 66.5 / 66.1 → 67.0 / 66.7, where one issue lost in both (`codegen` names a
 * module and a long function, which took the room) and one more with history. File-all unchanged.
 * QA dev at 8k: 4 of 156 questions gain a name, one moves (function 66.4 → 66.5 without history).
 */
const PROSE_CALL = /(?<![\w.])([a-z_][a-z0-9_]{2,})\((?!s\))/g;

export function parseQuestion(question: string): QuestionMentions {
  const lines: QuestionMentions["lines"] = [];
  for (const m of question.matchAll(PY_FRAME)) lines.push({ path: m[1]!, line: Number(m[2]), func: m[3] });
  for (const m of question.matchAll(PATH_LINE)) lines.push({ path: m[1]!, line: Number(m[2]) });
  const paths = unique([...question.matchAll(PATH)].map((m) => m[0]));
  const identifiers = unique(
    [...question.matchAll(IDENT)]
      .filter((m) => !FILE_NAME.test(m[0]) && looksLikeCode(m[0], sentenceStart(question, m.index)))
      .map((m) => m[0])
      .concat([...question.matchAll(INLINE_CODE_NAME)].map((m) => m[1]!))
      .concat([...proseOf(question).matchAll(PROSE_CALL)].map((m) => m[1]!)),
  );
  const instantiated = unique([...question.matchAll(CONSTRUCTOR_CALL)].map((m) => m[1]!));
  return { identifiers, paths, lines, phrases: phrasesOf(question), instantiated };
}

const ERROR_LINE = /^[ \t]*(?:[\w.]+\.)?\w*(?:Error|Exception|Warning)\b:[ \t]*(.{8,})$/gm;
/** Double quotes and backticks only: single quotes are too often apostrophes ("I'm … isn't"). */
const QUOTED = /(["`])([^"`\n]{12,160})\1/g;
/** Parts of a message that vary between the code and the report: numbers, quoted values, reprs, paths. */
const VARIABLE = /\d+(?:\.\d+)?|'[^']*'|"[^"]*"|<[^>]*>|\([^)]*\)|\[[^\]]*\]|\{[^}]*\}|\S*[/\\]\S*/g;
const MIN_PHRASE = 18;
const MAX_PHRASES = 8;

/**
 * Error messages and quoted strings from a report, cut into the literal
 * fragments likely to appear verbatim in the code that produced them
 * (`raise ValueError("cannot reshape array of size %d")` prints a number
 * where the code has `%d`).
 */
function phrasesOf(question: string): string[] {
  const texts = [
    ...[...question.matchAll(ERROR_LINE)].map((m) => m[1]!),
    ...[...question.matchAll(QUOTED)].map((m) => m[2]!).filter((t) => /\s/.test(t.trim())),
  ];
  const out = new Set<string>();
  for (const text of texts)
    for (const part of text.split(VARIABLE)) {
      const phrase = part.trim().replace(/[:,;.]+$/, "");
      // Short or two-word fragments ("is not defined") occur all over a codebase; they would mislead.
      if (phrase.length >= MIN_PHRASE && /[a-z]{3}/i.test(phrase) && phrase.split(/\s+/).length >= 3) out.add(phrase);
    }
  return [...out].sort((a, b) => b.length - a.length).slice(0, MAX_PHRASES);
}

const FILE_NAME = new RegExp(`^${PATH.source}$`);

/**
 * Ordinary English words are left to BM25; names with code shape are matched
 * exactly. A capitalised word counts (`Matrix`, `Session`) unless it starts a
 * sentence, where capitals say nothing.
 */
function looksLikeCode(id: string, atSentenceStart: boolean): boolean {
  if (id.includes("_") || id.includes(".") || /[a-z][A-Z]/.test(id) || /[A-Z]{2}[a-z]/.test(id)) return true;
  return /^[A-Z][a-z0-9]+$/.test(id) && id.length > 3 && !atSentenceStart;
}

function sentenceStart(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - 3), index);
  return index === 0 || /(^|[.!?:\n]\s*|\n\s*)$/.test(before) || /^\s*$/.test(before);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Code pasted into a question: a fenced block, a traceback, a doctest or shell prompt, an indented block. */
const PASTED_CODE = /```|Traceback \(most recent call last\)|^[ \t]*(?:>>>|\$) |^(?: {4}|\t)\S/m;
/** A request that opens with the change it wants. */
const CHANGE_REQUEST =
  /^\W*(?:please\s+)?(?:fix|change|add|implement|make|update|refactor|remove|rename|support|allow)\b/i;

/**
 * Whether the question reads as a report or a change request (an issue pasted in, which is a title
 * and its text, so two lines or more; code in it; or "fix …") rather than a question about how the
 * code works: its answer is an edit, and an edit needs what a question about behaviour does not,
 * such as the module's imports.
 */
export function asksForChange(question: string): boolean {
  const lines = question.split("\n").filter((l) => l.trim()).length;
  return lines >= 2 || PASTED_CODE.test(question) || CHANGE_REQUEST.test(question);
}

/**
 * The question without its code: fenced blocks, doctest and traceback lines,
 * indented lines. A name is described in words; code pasted into a report
 * uses many names' words at once, and its names reach the identifier signal.
 */
export function proseOf(question: string): string {
  return question
    .replace(/```[\s\S]*?(```|$)/g, "\n")
    .split("\n")
    .filter((line) => !/^(\s{4}|\t|\s*(>>>|\.\.\.|E |File "|Traceback \())/.test(line))
    .join("\n");
}
