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
}

const PATH =
  /(?:[\w.-]+\/)*[\w.-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|sh|md|rst|toml|cfg|ini|ya?ml|json)\b/g;
const PATH_LINE = /((?:[\w.-]+\/)*[\w.-]+\.[A-Za-z]{1,5}):(\d+)/g;
const PY_FRAME = /File "([^"]+)", line (\d+)(?:, in (\w+))?/g;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g;

export function parseQuestion(question: string): QuestionMentions {
  const lines: QuestionMentions["lines"] = [];
  for (const m of question.matchAll(PY_FRAME)) lines.push({ path: m[1]!, line: Number(m[2]), func: m[3] });
  for (const m of question.matchAll(PATH_LINE)) lines.push({ path: m[1]!, line: Number(m[2]) });
  const paths = unique([...question.matchAll(PATH)].map((m) => m[0]));
  const identifiers = unique(
    [...question.matchAll(IDENT)]
      .filter((m) => !FILE_NAME.test(m[0]) && looksLikeCode(m[0], sentenceStart(question, m.index)))
      .map((m) => m[0]),
  );
  return { identifiers, paths, lines };
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
