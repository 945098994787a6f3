import type { WorkspacePath } from "../index/types";

/** Stands for "text kept, not split yet"; compared by identity only. */
const PENDING: string[] = [];

/**
 * Each file's lines, read and split only when first asked for. A restored
 * retrieval index covers every file, but a question shows a few dozen of them:
 * reading and splitting all of them up front was most of a restore. It is a
 * `Map` to every reader (`get`, iteration); `text` gives a file's whole text
 * without splitting it. A file that cannot be read any more has no lines (the
 * index's watcher drops it soon after).
 */
export class FileLines extends Map<WorkspacePath, string[]> {
  private readonly texts = new Map<WorkspacePath, string | (() => string | undefined)>();

  /** Keeps `text`, or how to read it, for the first use. */
  setText(path: WorkspacePath, text: string | (() => string | undefined)): void {
    super.set(path, PENDING);
    this.texts.set(path, text);
  }

  /** The file's text, without splitting it when it has not been yet. */
  text(path: WorkspacePath): string | undefined {
    const pending = this.texts.get(path);
    if (pending === undefined) return super.get(path)?.join("\n");
    if (typeof pending === "string") return pending;
    const text = pending() ?? "";
    this.texts.set(path, text);
    return text;
  }

  override get(path: WorkspacePath): string[] | undefined {
    const lines = super.get(path);
    if (lines !== PENDING) return lines;
    const split = this.text(path)!.split("\n");
    this.texts.delete(path);
    super.set(path, split);
    return split;
  }

  override set(path: WorkspacePath, lines: string[]): this {
    this.texts.delete(path);
    return super.set(path, lines);
  }

  override delete(path: WorkspacePath): boolean {
    this.texts.delete(path);
    return super.delete(path);
  }

  override clear(): void {
    this.texts.clear();
    super.clear();
  }

  /** Re-inserts the entries in this order (a Map iterates in insertion order), splitting nothing. */
  reorder(paths: readonly WorkspacePath[]): void {
    const entries = paths.map((p) => [p, super.get(p)!] as const);
    super.clear();
    for (const [p, v] of entries) super.set(p, v);
  }

  override *entries(): MapIterator<[WorkspacePath, string[]]> {
    for (const k of super.keys()) yield [k, this.get(k)!];
  }

  override *values(): MapIterator<string[]> {
    for (const k of super.keys()) yield this.get(k)!;
  }

  override [Symbol.iterator](): MapIterator<[WorkspacePath, string[]]> {
    return this.entries();
  }

  override forEach(fn: (lines: string[], path: WorkspacePath, map: Map<WorkspacePath, string[]>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
