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
    for (const match of text.matchAll(WORD)) {
      const word = match[0];
      let ids = this.wordCache.get(word);
      if (!ids) {
        ids = tokenize(word).map((t) => this.id(t));
        this.wordCache.set(word, ids);
      }
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + weight);
    }
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

/** Same shape as the tokenizer's identifiers, so caching by word is exact. */
const WORD = /[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*/g;
