import { tokenize } from "./tokenize";

/**
 * Term ids for retrieval. Tokenizing is the expensive part of indexing, and
 * code repeats its identifiers, so each distinct word is split once and cached.
 *
 * Terms are the words as written, lower-cased, not stemmed. Stemming conflates what code keeps
 * apart and a report's rarer word relies on ("datasets" against `dataset` in xarray, "permute"
 * against `permutation` in sympy). Measured at 8k without history (file-all / function / line),
 * against 86.1 / 51.9 / 51.2 on SWE-bench dev and 76.9 / 58.5 / 59.0 on QA dev:
 * - Porter2 on both sides: SWE-bench 85.2 / 47.1 / 46.9; QA 75.6 / 61.2 / 59.5, and 82.7 / 70.0 / 67.7
 *   at 16k against 79.5 / 68.9 / 67.7.
 * - Plurals only (Harman's S-stemmer), both sides: the same four SWE-bench losses on 82 issues;
 *   QA 76.9 / 59.5 / 58.2.
 * - Exact terms, plus the code's other inflections of the question's prose words at half a
 *   word's weight: SWE-bench 85.2 / 46.1 / 46.9; QA 76.3 / 59.6 / 57.9, and lower at 4k.
 * - Whole files only, by stems (units exact): SWE-bench 87.0 / 50.0 / 49.4; QA 77.6 / 59.6 / 59.1.
 *   Half by stems, half exact: SWE-bench 87.0 / 51.0 / 50.3 (one issue lost); QA 76.9 / 58.8 /
 *   59.4, and 69.2 / 52.6 / 51.1 at 4k against 68.6 / 52.0 / 50.9. Too little for what it costs.
 * Only the name signal stems (both sides), where a name's words are few and all of them count.
 */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  private readonly wordCache = new Map<string, number[]>();

  /** A vocabulary whose ids are the positions of `terms` (a persisted one). */
  static fromTerms(terms: readonly string[]): Vocabulary {
    const v = new Vocabulary();
    for (const t of terms) v.id(t);
    return v;
  }

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }

  lookup(term: string): number | undefined {
    return this.ids.get(term);
  }

  get size(): number {
    return this.terms.length;
  }

  /** Adds the terms of `text` to `counts`, each `weight` times. */
  count(text: string, counts: Map<number, number>, weight = 1): void {
    forEachWord(text, (word) => {
      for (const id of this.termsOf(word)) counts.set(id, (counts.get(id) ?? 0) + weight);
    });
  }

  /** Adds the terms of `text` to both maps once: a unit's counts and its file's, in one pass. */
  countBoth(text: string, a: Map<number, number>, b: Map<number, number>): void {
    forEachWord(text, (word) => {
      for (const id of this.termsOf(word)) {
        a.set(id, (a.get(id) ?? 0) + 1);
        b.set(id, (b.get(id) ?? 0) + 1);
      }
    });
  }

  private termsOf(word: string): number[] {
    let ids = this.wordCache.get(word);
    if (!ids) {
      ids = tokenize(word).map((t) => this.id(t));
      this.wordCache.set(word, ids);
    }
    return ids;
  }

  /** Query terms that exist in the vocabulary, with their frequencies. */
  query(text: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const t of tokenize(text)) {
      const id = this.ids.get(t);
      if (id !== undefined) out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }
}

const isWordStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isWordPart = (c: number) => isWordStart(c) || (c >= 48 && c <= 57);

/**
 * Calls `fn` with each word of `text`: the tokenizer's identifiers,
 * `[A-Za-z_$][A-Za-z0-9_$]*` joined by dots, so caching by word is exact. A
 * scan over char codes, because a regex's match objects were most of the
 * garbage of indexing a large repository.
 */
export function forEachWord(text: string, fn: (word: string) => void): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordStart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      while (j < n && isWordPart(text.charCodeAt(j))) j++;
      if (j + 1 < n && text.charCodeAt(j) === 46 && isWordStart(text.charCodeAt(j + 1))) j += 2;
      else break;
    }
    fn(text.slice(i, j));
    i = j;
  }
}
