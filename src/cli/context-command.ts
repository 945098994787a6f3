import * as fs from "node:fs";
import type { SpanOrder } from "../core/context/types";
import { type CommandSpec, type ParsedArgs, UsageError, intFlag, stringFlag, synopsis } from "./args";
import { LOCAL_MODEL_FLAGS, loadEvaluator, modelSettings } from "./model-flags";
import { HISTORY_FLAGS, cliHistory } from "./history-flags";
import { openRepository } from "./repo-engine";

export const contextSpec: CommandSpec = {
  name: "context",
  summary:
    "Builds the context a model would get for a question: an outline, then the chosen code with real line numbers " +
    "and citation ids, within an exact token budget. Nothing is sent anywhere.",
  flags: [
    { name: "repo", value: "<dir>", description: "The repository (required)." },
    { name: "question", value: "<text>", description: "The question (or --question-file)." },
    { name: "question-file", value: "<file>", description: "Read the question from a file." },
    { name: "budget", value: "<n>", description: "Tokens of context.", default: "8000" },
    {
      name: "encoding",
      value: "<name>",
      description: "Tokenizer: o200k_base, cl100k_base, p50k_base, r50k_base.",
      default: "o200k_base",
    },
    { name: "cache", value: "<dir>", description: "Index cache folder.", default: "no cache" },
    {
      name: "order",
      value: "edges|score|source|attention",
      description: "Order of the file groups; attention (with --model) puts what the model attends to most last.",
      default: "edges",
    },
    ...LOCAL_MODEL_FLAGS,
    ...HISTORY_FLAGS,
    {
      name: "format",
      value: "text|json",
      description: "The text a model sees, or the whole package as JSON.",
      default: "text",
    },
    { name: "out", value: "<file>", description: "Write here instead of stdout." },
  ],
};

/** `threadline context`: builds the context package for one question and prints it. */
export async function runContext(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const repo = stringFlag(args, "repo");
  if (!repo) throw new UsageError(`--repo is required\nusage: ${synopsis(contextSpec)}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const question = readQuestion(args);
  const budget = intFlag(args, "budget", 8000);
  const format = stringFlag(args, "format") ?? "text";
  if (format !== "json" && format !== "text") throw new UsageError(`--format must be json or text, got "${format}"`);
  const order = (stringFlag(args, "order") ?? "edges") as SpanOrder;
  if (!["edges", "score", "source", "attention"].includes(order))
    throw new UsageError(`--order must be edges, score, source or attention`);
  if (order === "attention" && !stringFlag(args, "model"))
    throw new UsageError(`--order attention needs --model: the order comes from a local model's attention`);

  const { index, engine } = openRepository(repo, stringFlag(args, "cache"));
  try {
    // History is read by git while the index parses: they share no state.
    const [history] = await Promise.all([cliHistory(args, repo, stringFlag(args, "cache")), index.build()]);
    if (history) engine.useHistory(history);
    await index.save();
    const options = {
      budget,
      encoding: stringFlag(args, "encoding"),
      // Attention Sorting needs the model's scores; without them the default order stands.
      ...(order === "attention" ? { attentionSort: true } : { order }),
    };
    try {
      engine.counter(options.encoding);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const settings = modelSettings(args);
    let pack;
    if (settings) {
      engine.prepare();
      // A model that cannot be used is reported and the lexical scorer takes over; the package says so.
      const evaluator = await loadEvaluator(settings, engine.retrievalIndex!.lines).catch((e: unknown) => {
        process.stderr.write(`threadline: local model not used: ${(e as Error).message}\n`);
        return (e as Error).message;
      });
      if (typeof evaluator === "string") {
        pack = engine.build(question, options);
        pack.scorer = { kind: "lexical", fallback: `local model not used: ${evaluator}` };
      } else {
        pack = await engine.buildScored(question, options, evaluator);
        await evaluator.release();
      }
    } else pack = engine.build(question, options);
    const rendered = format === "json" ? JSON.stringify(pack, null, 2) + "\n" : pack.text;
    const outFile = stringFlag(args, "out");
    if (outFile) fs.writeFileSync(outFile, rendered);
    else out.write(rendered);
    process.stderr.write(
      `threadline: ${pack.spans.length} spans, ${pack.tokens}/${pack.budget} ${pack.encoding} tokens, ` +
        `${pack.stats.candidates} candidates, ${pack.scorer.kind} scorer, ${pack.stats.ms.total} ms\n`,
    );
    return 0;
  } finally {
    // The next run restores the retrieval index instead of deriving it again.
    await engine
      .save()
      .catch((e: unknown) => process.stderr.write(`threadline: could not save the retrieval cache: ${String(e)}\n`));
    engine.dispose();
    index.dispose();
  }
}

function readQuestion(args: ParsedArgs): string {
  const text = stringFlag(args, "question");
  const file = stringFlag(args, "question-file");
  if (text !== undefined && file !== undefined) throw new UsageError("give --question or --question-file, not both");
  if (text !== undefined) return text;
  if (file === undefined)
    throw new UsageError(`--question or --question-file is required\nusage: ${synopsis(contextSpec)}`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the question file: ${(e as Error).message}`);
  }
}
