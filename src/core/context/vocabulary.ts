import { tokenize } from "./tokenize";

/**
 * Term ids for retrieval. Tokenizing is the expensive part of indexing, and
 * code repeats its identifiers, so each distinct word is split once and cached.
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
