import { errorMessage } from "../result";
import { Edit, type Tree } from "web-tree-sitter";
import { countLines, extractFacts, factsFromTree, parseTree, type LoadedGrammar } from "./extract";
import { lineEdit } from "./line-edit";
import { sniff } from "./sniff";
import type { FileFacts, LanguageId } from "./types";

export interface ParseJob {
  path: string;
  lang: LanguageId;
  bytes: Uint8Array;
  /** Keep the tree so the next version of this file re-parses incrementally (editor updates). */
  keepTree?: boolean;
}

export type ParseOutcome =
  | { kind: "facts"; facts: FileFacts }
  | { kind: "skip"; reason: "binary" | "generated" }
  | { kind: "failed"; message: string };

/** Anything that turns bytes into facts: a worker pool, or the current thread. */
export interface FileParser {
  parse(job: ParseJob): Promise<ParseOutcome>;
  /** A batch is done: free what only a batch needed (see `WorkerPool.release`). */
  release?(): void;
  dispose(): void;
}

export type GrammarLookup = (id: LanguageId) => Promise<LoadedGrammar> | undefined;

const KEPT_TREES = 16;

/** The trees of the files edited most recently, for incremental re-parsing. Owned by one thread. */
export class TreeCache {
  private readonly entries = new Map<string, { lang: LanguageId; text: string; tree: Tree }>();

  take(path: string, lang: LanguageId): { text: string; tree: Tree } | undefined {
    const e = this.entries.get(path);
    if (!e) return undefined;
    this.entries.delete(path);
    if (e.lang === lang) return e;
    e.tree.delete();
    return undefined;
  }

  put(path: string, lang: LanguageId, text: string, tree: Tree): void {
    this.entries.set(path, { lang, text, tree });
    for (const [key, old] of this.entries) {
      if (this.entries.size <= KEPT_TREES) break;
      old.tree.delete();
      this.entries.delete(key);
    }
  }
}

/** Sniffs, decodes and parses one file. Runs wherever the grammars live. */
export async function parseBytes(grammars: GrammarLookup, job: ParseJob, trees?: TreeCache): Promise<ParseOutcome> {
  const verdict = sniff(job.bytes, job.path);
  if (verdict.kind !== "text") return { kind: "skip", reason: verdict.kind };
  try {
    const grammar = grammars(job.lang);
    const facts: FileFacts = grammar
      ? job.keepTree && trees
        ? reparse(await grammar, job, verdict.text, trees)
        : extractFacts(await grammar, verdict.text)
      : { lang: "text", lines: countLines(verdict.text), symbols: [], refs: {}, imports: [], errors: [] };
    if (verdict.invalidUtf8) facts.invalidUtf8 = true;
    if (verdict.generated) facts.generated = true;
    return { kind: "facts", facts };
  } catch (e) {
    return { kind: "failed", message: errorMessage(e) };
  }
}

function reparse(grammar: LoadedGrammar, job: ParseJob, text: string, trees: TreeCache): FileFacts {
  const previous = trees.take(job.path, job.lang);
  const edit = previous && lineEdit(previous.text, text);
  if (previous && edit) previous.tree.edit(new Edit(edit));
  const tree = parseTree(grammar, text, edit ? previous?.tree : undefined);
  previous?.tree.delete();
  trees.put(job.path, job.lang, text, tree);
  return factsFromTree(grammar, tree, text);
}
