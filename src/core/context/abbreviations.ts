/**
 * Code abbreviates the words a question writes in full: `decl_specs` for "declaration
 * specifiers", `attr` for "attribute", `get_type_id` for "type identifier". The name signal
 * (`rank.ts`) lets a name's word match a question's word it abbreviates, so a definition the
 * question describes is found by its name as `require_space_after` is.
 */

/** The shortest abbreviation read as a word's first letters: two letters match too much. */
const MIN_PREFIX = 3;

/** Common abbreviations in code that are not the first letters of the word they stand for. */
const NOT_PREFIXES: ReadonlyMap<string, string> = new Map([
  ["id", "identifier"],
  ["fmt", "format"],
  ["msg", "message"],
  ["cfg", "configuration"],
  ["ctx", "context"],
  ["err", "error"],
  ["idx", "index"],
  ["ns", "namespace"],
  ["db", "database"],
  ["tmp", "temporary"],
  ["dt", "datetime"],
  ["ts", "timestamp"],
]);

/** A full word's stand-in for matching: its first letters, enough to allow its inflections. */
const STEM_LETTERS = 6;

/**
 * The abbreviations that a name may use for `words` (lower-case, unstemmed): each word's first
 * letters, from MIN_PREFIX up to two letters short of the word (a word one letter longer is an
 * inflection, which stemming already matches), and the common abbreviations of NOT_PREFIXES
 * whose word is there.
 */
export function abbreviationsOf(words: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const w of words) for (let k = MIN_PREFIX; k < w.length - 1; k++) out.add(w.slice(0, k));
  for (const [short, long] of NOT_PREFIXES) {
    const start = long.slice(0, STEM_LETTERS);
    if (words.some((w) => w.startsWith(start))) out.add(short);
  }
  return out;
}
