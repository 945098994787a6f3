import { Bm25Index } from "../context/bm25";
import type { HistoryCommit, HistoryHit, HistoryLookup } from "../context/types";
import type { Vocabulary } from "../context/vocabulary";
import type { WorkspacePath } from "../index/types";
import type { StoredCommit } from "./commit-store";

/**
 * A view of the history: the commits reachable from one revision, newest
 * first, searched with BM25. Built from mined commits in well under a second,
 * so a new revision (a checkout, or a benchmark's base commit) gets its own
 * view without mining again.
 */
export class HistoryIndex implements HistoryLookup {
  private readonly search_: Bm25Index;
  private readonly paths: (WorkspacePath | undefined)[][];
  private readonly touchCounts = new Map<string, number>();
  private readonly fileCounts = new Map<WorkspacePath, number>();
  /** (file, name) → positions of the commits that touched it, newest first. */
  private readonly touchedBy = new Map<string, number[]>();

  /** `mapPath` turns a repository path into a workspace path (undefined: outside the workspace). */
  constructor(
    readonly commits: readonly StoredCommit[],
    private readonly vocabulary: Vocabulary,
    mapPath: (gitPath: string) => WorkspacePath | undefined = (p) => p,
  ) {
    this.search_ = new Bm25Index();
    for (const c of commits) this.search_.addPairs(c.terms);
    // The postings table is built now, not on the first question.
    this.search_.settle();
    this.paths = commits.map((c) => c.files.map(mapPath));
    commits.forEach((c, i) => {
      for (const file of this.paths[i]!)
        if (file !== undefined) this.fileCounts.set(file, (this.fileCounts.get(file) ?? 0) + 1);
      for (const [f, name] of c.symbols) {
        const file = this.paths[i]![f];
        if (file === undefined) continue;
        const key = `${file}\n${name}`;
        this.touchCounts.set(key, (this.touchCounts.get(key) ?? 0) + 1);
        const list = this.touchedBy.get(key);
        if (!list) this.touchedBy.set(key, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
  }

  get size(): number {
    return this.commits.length;
  }

  /** The newest commit in the view, if any. */
  get newest(): StoredCommit | undefined {
    return this.commits[0];
  }

  search(question: string, limit: number): HistoryHit[] {
    const query = this.vocabulary.query(historyQuery(question));
    // Ties go to the newer commit (lower position), so results never depend on mining order.
    return this.search_.search(query, limit).map((hit) => {
      const c = this.commits[hit.doc]!;
      const mapped = this.paths[hit.doc]!;
      const files: WorkspacePath[] = [];
      const slot = new Map<number, number>();
      mapped.forEach((p, i) => {
        if (p === undefined) return;
        slot.set(i, files.length);
        files.push(p);
      });
      const symbols: [number, string][] = [];
      for (const [f, name] of c.symbols) {
        const s = slot.get(f);
        if (s !== undefined) symbols.push([s, name]);
      }
      return { id: c.id, time: c.time, subject: subjectOf(c.message), score: hit.score, files, symbols };
    });
  }

  touches(file: WorkspacePath, name?: string): number {
    if (name === undefined) return this.fileCounts.get(file) ?? 0;
    return this.touchCounts.get(`${file}\n${name}`) ?? 0;
  }

  touching(definitions: readonly { file: WorkspacePath; name: string }[], limit: number): HistoryCommit[] {
    // By the best-ranked definition a commit touched (the list comes best first), then newest.
    const found = new Map<number, { best: number; touched: { file: WorkspacePath; name: string }[] }>();
    definitions.forEach((d, rank) => {
      for (const i of this.touchedBy.get(`${d.file}\n${d.name}`) ?? []) {
        const entry = found.get(i);
        if (!entry) found.set(i, { best: rank, touched: [d] });
        else if (!entry.touched.some((x) => x.file === d.file && x.name === d.name)) entry.touched.push(d);
      }
    });
    return [...found.entries()]
      .sort((a, b) => a[1].best - b[1].best || a[0] - b[0])
      .slice(0, limit)
      .map(([i, { touched }]) => {
        const c = this.commits[i]!;
        return { id: c.id, time: c.time, subject: subjectOf(c.message), touched };
      });
  }
}

export function subjectOf(message: string): string {
  return (message.split("\n", 1)[0] ?? "").trim();
}

/**
 * The part of a question worth matching against commit messages: issue-template
 * boilerplate (headings such as "Expected behavior", `<details>` blocks,
 * `key: version` lines of an environment dump such as `show_versions()`) matches
 * unrelated commits and is left out.
 */
export function historyQuery(question: string): string {
  const kept: string[] = [];
  let inDetails = false;
  for (const line of question.split("\n")) {
    if (/<details/i.test(line)) inDetails = true;
    if (inDetails) {
      if (/<\/details>/i.test(line)) inDetails = false;
      continue;
    }
    if (VERSION_LINE.test(line) || TEMPLATE_HEADING.test(line)) continue;
    kept.push(line);
  }
  return kept.join("\n");
}

const VERSION_LINE = /^\s*[-*]?\s*[\w .()/-]{1,40}\s*[:=]\s*v?\d+(\.\d+)+\S*\s*$/;
const TEMPLATE_HEADING =
  /^\s*(#+\s*|\*\*)?\s*(expected (behaviou?r|result|output)|actual (behaviou?r|result|output)|steps to reproduce|environment|versions?|output of [^:]*|describe the bug|to reproduce|additional context|minimal complete verifiable example|mcve confirmation|relevant log output|anything else we need to know\??|installed versions)\s*:?\s*(\*\*)?\s*$/i;
