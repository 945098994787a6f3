import * as fs from "node:fs";
import * as path from "node:path";
import { ask } from "../core/chat/ask";
import { ContextEngine } from "../core/context/context-engine";
import { createNodeIndex } from "../core/index/node/create";
import { type ParsedArgs, UsageError, intFlag, stringFlag } from "./args";

export const askUsage =
  "threadline ask --repo <dir> --question <text> --base-url <url> --model <m> [--api-key-env VAR] " +
  "[--budget n] [--max-output-tokens n] [--cache <dir>] [--format text|json]";

/** `threadline ask`: answers one question, streaming the answer to stdout; JSON adds citations and context. */
export async function runAsk(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const repo = stringFlag(args, "repo");
  const question = stringFlag(args, "question");
  const baseUrl = stringFlag(args, "base-url");
  const model = stringFlag(args, "model");
  if (!repo || !question || !baseUrl || !model) throw new UsageError(`usage: ${askUsage}`);
  if (!fs.existsSync(repo) || !fs.statSync(repo).isDirectory()) throw new UsageError(`not a directory: ${repo}`);
  const format = stringFlag(args, "format") ?? "text";
  if (format !== "json" && format !== "text") throw new UsageError(`--format must be json or text, got "${format}"`);
  const keyVar = stringFlag(args, "api-key-env") ?? "OPENAI_API_KEY";
  // The key comes from the environment only: never a flag, so it stays out of shell history and process lists.
  const apiKey = process.env[keyVar];

  const index = createNodeIndex([{ name: path.basename(path.resolve(repo)), path: repo }], {
    cacheDir: stringFlag(args, "cache"),
  });
  const engine = new ContextEngine(index);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once("SIGINT", onSigint);
  try {
    await index.build();
    await index.save();
    const record = await ask(
      engine,
      {
        baseUrl,
        model,
        apiKey,
        maxOutputTokens: intFlag(args, "max-output-tokens", 1024),
        timeoutMs: 120_000,
        maxRetries: 3,
      },
      { question, history: [], budget: intFlag(args, "budget", 8000) },
      (e) => {
        if (e.type === "delta" && format === "text") out.write(e.text);
        if (e.type === "notice") process.stderr.write(`threadline: ${e.message}\n`);
      },
      abort.signal,
    );
    if (format === "json") {
      const { citations, context, answer } = record;
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
        })),
        context,
      };
      if (record.error) body.error = { code: record.error.code, message: record.error.message };
      out.write(JSON.stringify(body, null, 2) + "\n");
    } else {
      out.write("\n");
      const valid = record.citations.filter((c) => c.valid).length;
      process.stderr.write(
        `threadline: context ${record.context.spans.length} spans · ${record.context.tokens} tokens · ` +
          `${valid}/${record.citations.length} citations verified\n`,
      );
      for (const c of record.citations)
        if (!c.valid) process.stderr.write(`threadline: unverified citation ${c.text}: ${c.reason}\n`);
    }
    if (record.error) {
      process.stderr.write(`threadline: ${record.error.message}\n`);
      return record.error.code === "cancelled" ? 130 : 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", onSigint);
    engine.dispose();
    index.dispose();
  }
}
