import * as fs from "node:fs";
import * as path from "node:path";
import { ContextEngine } from "../core/context/context-engine";
import type { SpanOrder } from "../core/context/types";
import { createNodeIndex } from "../core/index/node/create";
import { type ParsedArgs, UsageError, intFlag, stringFlag } from "./args";

export const contextUsage =
  "threadline context --repo <dir> (--question <text> | --question-file <file>) --budget <n> " +
  "[--encoding o200k_base] [--cache <dir>] [--order edges|score|source] --format json|text [--out <file>]";

/** `threadline context`: builds the context package for one question and prints it. */
export async function runContext(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const repo = stringFlag(args, "repo");
  if (!repo) throw new UsageError(`--repo is required\nusage: ${contextUsage}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const question = readQuestion(args);
  const budget = intFlag(args, "budget", 8000);
  const format = stringFlag(args, "format") ?? "text";
  if (format !== "json" && format !== "text") throw new UsageError(`--format must be json or text, got "${format}"`);
  const order = (stringFlag(args, "order") ?? "edges") as SpanOrder;
  if (!["edges", "score", "source"].includes(order)) throw new UsageError(`--order must be edges, score or source`);

  const index = createNodeIndex([{ name: path.basename(path.resolve(repo)), path: repo }], {
    cacheDir: stringFlag(args, "cache"),
  });
  const engine = new ContextEngine(index);
  try {
    await index.build();
    await index.save();
    let pack;
    try {
      pack = engine.build(question, { budget, encoding: stringFlag(args, "encoding"), order });
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("unknown encoding")) throw new UsageError(e.message);
      throw e;
    }
    const rendered = format === "json" ? JSON.stringify(pack, null, 2) + "\n" : pack.text;
    const outFile = stringFlag(args, "out");
    if (outFile) fs.writeFileSync(outFile, rendered);
    else out.write(rendered);
    process.stderr.write(
      `threadline: ${pack.spans.length} spans, ${pack.tokens}/${pack.budget} ${pack.encoding} tokens, ` +
        `${pack.stats.candidates} candidates, ${pack.stats.ms.total} ms\n`,
    );
    return 0;
  } finally {
    engine.dispose();
    index.dispose();
  }
}

function readQuestion(args: ParsedArgs): string {
  const text = stringFlag(args, "question");
  const file = stringFlag(args, "question-file");
  if (text !== undefined && file !== undefined) throw new UsageError("give --question or --question-file, not both");
  if (text !== undefined) return text;
  if (file === undefined) throw new UsageError(`--question or --question-file is required\nusage: ${contextUsage}`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the question file: ${(e as Error).message}`);
  }
}
