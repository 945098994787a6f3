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

const PATH = /(?:[\w.-]+\/)*[\w.-]+\.(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|sh|md|rst|toml|cfg|ini|ya?ml|json)\b/g;
const PATH_LINE = /((?:[\w.-]+\/)*[\w.-]+\.[A-Za-z]{1,5}):(\d+)/g;
const PY_FRAME = /File "([^"]+)", line (\d+)(?:, in (\w+))?/g;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g;

export function parseQuestion(question: string): QuestionMentions {
  const lines: QuestionMentions["lines"] = [];
  for (const m of question.matchAll(PY_FRAME)) lines.push({ path: m[1]!, line: Number(m[2]), func: m[3] });
  for (const m of question.matchAll(PATH_LINE)) lines.push({ path: m[1]!, line: Number(m[2]) });
  const paths = unique([...question.matchAll(PATH)].map((m) => m[0]));
  const pathSet = new Set(paths);
  const identifiers = unique(
    [...question.matchAll(IDENT)]
      .map((m) => m[0])
      .filter((id) => !pathSet.has(id) && looksLikeCode(id)),
  );
  return { identifiers, paths, lines };
}

/** Ordinary English words are left to BM25; names with code shape are matched exactly. */
function looksLikeCode(id: string): boolean {
  return (
    id.includes("_") ||
    id.includes(".") ||
    /[a-z][A-Z]/.test(id) ||
    /^[A-Z][a-z]+[A-Z]/.test(id) ||
    (/^[A-Z][A-Za-z0-9]+$/.test(id) && id.length > 2)
  );
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
