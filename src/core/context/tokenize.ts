/**
 * Code-aware tokenization for lexical retrieval. An identifier is kept whole
 * and also split into its words, so `parseHTTPResponse`, `parse_http_response`
 * and "parse the HTTP response" meet; dotted paths keep their parts too.
 */

import { LRUCache } from "lru-cache";
import porter2 from "wink-porter2-stemmer";

const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so such than that the their them then there these they this those to too was we " +
    "were what when where which while who why will with would you your also just like get set use used using " +
    "self def return none true false null undefined var let const function class import from new"
  ).split(" "),
);

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*/g;

/** Splits one identifier into lower-case words: `parseHTTPResponse2` → parse, http, response2. */
export function splitIdentifier(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/**
 * All retrieval terms of a text, in order, with repeats (term frequency
 * matters to BM25). With `stem`, the words an identifier splits into are
 * stemmed (Porter2), so "hooks", `hook` and `_hooks` meet, and "dispatched"
 * finds `dispatch_request`; whole identifiers stay exact.
 */
export function tokenize(text: string, stem = false): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(IDENTIFIER)) {
    const whole = match[0];
    const parts = whole.split(".");
    for (const part of parts) addIdentifier(part, out, stem);
    if (parts.length > 1) out.push(whole.toLowerCase());
  }
  return out;
}

function addIdentifier(id: string, out: string[], stem: boolean): void {
  const words = splitIdentifier(id);
  const lower = id.toLowerCase();
  for (const w of words) if (isRetrievalWord(w)) out.push(stem ? stemWord(w) : w);
  if (words.length > 1 || (words.length === 1 && words[0] !== lower)) {
    if (!STOPWORDS.has(lower)) out.push(lower);
  }
}

/** An identifier's retrieval words and their stems, from one split. */
export function nameWords(id: string): { words: string[]; stems: string[] } {
  const words = splitIdentifier(id).filter(isRetrievalWord);
  return { words, stems: words.map(stemWord) };
}

const isRetrievalWord = (w: string) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+$/.test(w);

/** Stems by word: a question's words and every definition's name words are stemmed again and again. */
const stems = new LRUCache<string, string>({ max: 100_000 });

/** The Porter2 stem of a lower-case word; words with digits are left alone (`utf8`, `py3`). */
function stemWord(w: string): string {
  let s = stems.get(w);
  if (s === undefined) stems.set(w, (s = /\d/.test(w) ? w : porter2(w)));
  return s;
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word.toLowerCase());
}
