import { errorMessage } from "../result";
import { extractFacts, countLines, type LoadedGrammar } from "./extract";
import { sniff } from "./sniff";
import type { FileFacts, LanguageId } from "./types";

export interface ParseJob {
  path: string;
  lang: LanguageId;
  bytes: Uint8Array;
}

export type ParseOutcome =
  | { kind: "facts"; facts: FileFacts }
  | { kind: "skip"; reason: "binary" | "generated" }
  | { kind: "failed"; message: string };

/** Anything that turns bytes into facts: a worker pool, or the current thread. */
export interface FileParser {
  parse(job: ParseJob): Promise<ParseOutcome>;
  dispose(): void;
}

export type GrammarLookup = (id: LanguageId) => Promise<LoadedGrammar> | undefined;

/** Sniffs, decodes and parses one file. Runs wherever the grammars live. */
export async function parseBytes(grammars: GrammarLookup, job: ParseJob): Promise<ParseOutcome> {
  const verdict = sniff(job.bytes, job.path);
  if (verdict.kind !== "text") return { kind: "skip", reason: verdict.kind };
  try {
    const grammar = grammars(job.lang);
    const facts: FileFacts = grammar
      ? extractFacts(await grammar, verdict.text)
      : { lang: "text", lines: countLines(verdict.text), symbols: [], refs: {}, imports: [], errors: [] };
    if (verdict.invalidUtf8) facts.invalidUtf8 = true;
    return { kind: "facts", facts };
  } catch (e) {
    return { kind: "failed", message: errorMessage(e) };
  }
}
