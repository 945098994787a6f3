import * as fs from "node:fs";
import { ask, type AnswerRecord } from "../core/chat/ask";
import { deepAnswer, workerOf, type DeepAnswerRecord } from "../core/chat/chain";
import type { EndpointConfig } from "../core/chat/client";
import { foldMemory, remember } from "../core/chat/memory";
import type { Citation } from "../core/citations";
import type { ContextPackage } from "../core/context/types";
import { type CommandSpec, type ParsedArgs, UsageError, intFlag, stringFlag, synopsis } from "./args";
import { HISTORY_FLAGS, cliHistory } from "./history-flags";
import { loadConversation, saveConversation } from "./conversation-file";
import { openRepository } from "./repo-engine";

export const askSpec: CommandSpec = {
  name: "ask",
  summary:
    "Answers a question about the repository from any OpenAI-compatible endpoint, streaming the answer, " +
    "then checks every citation against the context that was sent.",
  flags: [
    { name: "repo", value: "<dir>", description: "The repository (required)." },
    { name: "question", value: "<text>", description: "The question (required)." },
    { name: "base-url", value: "<url>", description: "The endpoint, e.g. http://localhost:11434/v1 (required)." },
    { name: "model", value: "<name>", description: "The model as the endpoint knows it (required)." },
    {
      name: "api-key-env",
      value: "<VAR>",
      description: "Environment variable holding the API key (never a flag).",
      default: "OPENAI_API_KEY",
    },
    { name: "budget", value: "<n>", description: "Tokens of context.", default: "8000" },
    { name: "max-output-tokens", value: "<n>", description: "Most tokens of the answer.", default: "1024" },
    { name: "cache", value: "<dir>", description: "Index cache folder.", default: "no cache" },
    ...HISTORY_FLAGS,
    {
      name: "deep",
      description:
        "Deep Answer (Chain-of-Agents): workers read candidates up to 6x the budget in chunks, a manager answers from their notes.",
    },
    {
      name: "conversation",
      value: "<file>",
      description:
        "A JSON file holding the conversation's memory: read before asking, written after (created if missing).",
      default: "a single question",
    },
    {
      name: "format",
      value: "text|json",
      description: "The answer and its sources, or {answer, citations, context} as JSON.",
      default: "text",
    },
  ],
};

/** `threadline ask`: answers one question, streaming the answer to stdout; JSON adds citations and context. */
export async function runAsk(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const repo = stringFlag(args, "repo");
  const question = stringFlag(args, "question");
  const baseUrl = stringFlag(args, "base-url");
  const model = stringFlag(args, "model");
  if (!repo || !question || !baseUrl || !model)
    throw new UsageError(`--repo, --question, --base-url and --model are required\nusage: ${synopsis(askSpec)}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const format = stringFlag(args, "format") ?? "text";
  if (format !== "json" && format !== "text") throw new UsageError(`--format must be json or text, got "${format}"`);
  const keyVar = stringFlag(args, "api-key-env") ?? "OPENAI_API_KEY";
  // The key comes from the environment only: never a flag, so it stays out of shell history and process lists.
  const apiKey = process.env[keyVar];

  const conversationFile = stringFlag(args, "conversation");
  const warn = (line: string) => process.stderr.write(`threadline: ${line}\n`);
  const memory = conversationFile ? loadConversation(conversationFile, warn) : undefined;

  const { index, engine } = openRepository(repo, stringFlag(args, "cache"));
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    const [history] = await Promise.all([cliHistory(args, repo, stringFlag(args, "cache")), index.build()]);
    if (history) engine.useHistory(history);
    await index.save();
    const endpoint: EndpointConfig = {
      baseUrl,
      model,
      apiKey,
      maxOutputTokens: intFlag(args, "max-output-tokens", 1024),
      timeoutMs: 120_000,
      maxRetries: 3,
    };
    const budget = intFlag(args, "budget", 8000);
    const record: AnswerRecord | DeepAnswerRecord = args.flags.has("deep")
      ? await deepAnswer(
          engine,
          endpoint,
          { question, budget },
          (e) => {
            if (e.type === "progress") warn(`reading chunk ${e.chunk} of ${e.of}`);
            if (e.type === "delta" && format === "text") out.write(e.text);
            if (e.type === "notice") warn(e.message);
          },
          abort.signal,
        )
      : await ask(
          engine,
          endpoint,
          { question, history: memory ?? [], budget },
          (e) => {
            if (e.type === "delta" && format === "text") out.write(e.text);
            if (e.type === "notice") warn(e.message);
          },
          abort.signal,
        );
    if (conversationFile && memory && (!record.error || record.error.code === "cancelled")) {
      let next = remember(memory, record);
      // Compact memory: the one extra call, after the answer; a failure keeps every turn as it was.
      if (!abort.signal.aborted) {
        const fold = await foldMemory(next, endpoint, budget, engine.counter(), abort.signal);
        if (fold.kind === "folded") {
          next = fold.memory;
          warn(`folded turns ${fold.turns[0]}-${fold.turns.at(-1)} into the conversation's summary`);
        } else if (fold.kind === "failed") warn(`the conversation's summary was not updated: ${fold.error.message}`);
      }
      saveConversation(conversationFile, next);
    }
    if (format === "json") {
      const { citations, context, answer } = record;
      const chain = record.chain;
      const body: Record<string, unknown> = {
        answer,
        citations: citations.map((c) => ({
          text: c.text,
          id: c.id,
          file: c.file,
          start: c.start,
          end: c.end,
          valid: c.valid,
          reason: c.reason,
          ...(c.turn !== undefined ? { turn: c.turn } : {}),
          ...(chain && workerOf(chain, c) !== undefined ? { worker: workerOf(chain, c) } : {}),
        })),
        context,
        ...(chain ? { chain } : {}),
        ...(memory
          ? {
              memory: {
                ...(record.prompt.memory.summary ? { summaryThrough: record.prompt.memory.summary.through } : {}),
                turns: record.prompt.memory.turns,
                dropped: record.prompt.memory.dropped,
              },
            }
          : {}),
      };
      if (record.error) body.error = { code: record.error.code, message: record.error.message };
      out.write(JSON.stringify(body, null, 2) + "\n");
    } else {
      out.write("\n");
      const sources = sourceLines(record.citations, record.context);
      if (sources.length > 0) out.write(`\nSources:\n${sources.join("\n")}\n`);
      const valid = record.citations.filter((c) => c.valid).length;
      process.stderr.write(
        `threadline: context ${record.context.spans.length} spans · ${record.context.tokens} tokens · ` +
          `${valid}/${record.citations.length} citations verified\n`,
      );
    }
    if (record.error) {
      process.stderr.write(`threadline: ${record.error.message}\n`);
      return record.error.code === "cancelled" ? 130 : 1;
    }
    return 0;
  } finally {
    // The next run restores the retrieval index instead of deriving it again.
    await engine
      .save()
      .catch((e: unknown) => process.stderr.write(`threadline: could not save the retrieval cache: ${String(e)}\n`));
    process.off("SIGINT", onSigint);
    engine.dispose();
    index.dispose();
  }
}

/** Each distinct citation once: what it points at (path:lines · symbol), or that it is unverified and why. */
export function sourceLines(citations: readonly Citation[], pack: Pick<ContextPackage, "spans">): string[] {
  const symbols = new Map(pack.spans.map((s) => [s.id, s.symbol]));
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const c of citations) {
    if (seen.has(c.text)) continue;
    seen.add(c.text);
    if (!c.valid) {
      lines.push(`  ⚠ ${c.text}  unverified: ${c.reason}`);
      continue;
    }
    const where = c.start === undefined ? c.file : `${c.file}:${c.start === c.end ? c.start : `${c.start}-${c.end}`}`;
    const symbol = c.id && c.turn === undefined ? symbols.get(c.id) : undefined;
    const earlier = c.turn !== undefined ? ` · sent in turn ${c.turn}` : "";
    lines.push(`  ${c.text}  ${where}${symbol ? ` · ${symbol}` : ""}${earlier}`);
  }
  return lines;
}
