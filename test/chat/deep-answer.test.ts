import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { EndpointConfig } from "../../src/core/chat/client";
import { inspectorModel, toMarkdown } from "../../src/core/chat/inspector-model";
import { explainPackage } from "../../src/core/context/explain";
import {
  DEEP_FACTOR,
  MANAGER_PROMPT,
  WORKER_PROMPT,
  deepAnswer,
  pathExceedsBudget,
  splitIntoChunks,
  workerOf,
  type DeepEvent,
} from "../../src/core/chat/chain";
import { engineFor, fileOfSpan } from "../helpers/context";
import { startTestServer, type TestServer } from "../helpers/openai-server";

/** A billing service spread over many files, so that the candidates span several worker chunks. */
const FILES = ["invoices", "refunds", "ledger", "payouts", "taxes", "discounts"];
const BILLING = FILES.map(
  (f, k) =>
    `//- billing/${f}.py\n` +
    Array.from(
      { length: 5 },
      (_, i) =>
        `def ${f}_step_${i}(amount, rate):\n    """Billing ${f} step ${i}: adjusts the amount by the rate."""\n` +
        `    subtotal = amount * rate + ${k * 10 + i}\n    fee = subtotal * 0.0${i + 1}\n    return subtotal - fee\n`,
    ).join("\n\n"),
).join("\n");
const QUESTION = "How does billing adjust the amount by the rate at each step?";

let server: TestServer;
/** A span id whose worker gets a 401, to test errors mid-chain. */
let failWorker: number | undefined;
const ctx = engineFor(BILLING);
before(async () => {
  // Workers pass the notes on and add the first span of their chunk; the manager echoes the
  // notes and adds a citation to a span that was never sent.
  server = await startTestServer("ok", (_question, messages) => {
    const system = messages[0]!.content;
    const user = messages[1]!.content;
    if (system === WORKER_PROMPT) {
      if (failWorker !== undefined && user.includes(`[S${failWorker}] `)) return { behaviour: "401" };
      const [, file, id, start] = /^## (\S+)\n\[(S\d+)\] .*\n *(\d+) \|/m.exec(user)!;
      const previous = /Notes from the previous worker:\n([\s\S]*)\n\nQuestion: /.exec(user)![1]!;
      const kept = previous.startsWith("(none yet") ? "Notes:" : previous;
      return { behaviour: "ok", answer: `${kept} ${file} has [${id}:${start}-${Number(start) + 1}].` };
    }
    if (system === MANAGER_PROMPT) {
      const notes = /\):\n([\s\S]*)\n\nQuestion: /.exec(user)![1]!;
      return { behaviour: "ok", answer: `${notes} Also [S999] and billing/nowhere.py:1-3.` };
    }
    return { behaviour: "404" };
  });
});
after(async () => {
  await server.close();
  (await ctx).cleanup();
});

const endpoint = (): EndpointConfig => ({
  baseUrl: server.baseUrl,
  model: "auto",
  maxOutputTokens: 256,
  timeoutMs: 5000,
  maxRetries: 0,
});

async function run(signalAt?: (e: DeepEvent, abort: AbortController) => void) {
  const { engine } = await ctx;
  server.requests.length = 0;
  const events: DeepEvent[] = [];
  const abort = new AbortController();
  const record = await deepAnswer(
    engine,
    endpoint(),
    { question: QUESTION, budget: 700 },
    (e) => {
      events.push(e);
      signalAt?.(e, abort);
    },
    abort.signal,
  );
  return { record, events };
}

test("chunks fit the worker budget, keep files together, and keep every span's id", async () => {
  const { engine } = await ctx;
  const pool = engine.build(QUESTION, { budget: 4000, order: "score" });
  const counter = engine.counter();
  const { chunks, left } = splitIntoChunks(pool, 500, counter);
  assert.ok(chunks.length >= 3, `${chunks.length} chunks`);
  assert.equal(left.length, 0);
  for (const c of chunks) assert.ok(c.tokens <= 500 && counter.count(c.text) === c.tokens);
  // Every span is in exactly one chunk, with the text it had in the package.
  assert.deepEqual(chunks.flatMap((c) => c.spans.map((s) => s.id)).sort(), pool.spans.map((s) => s.id).sort());
  for (const c of chunks)
    for (const s of c.spans) assert.equal(fileOfSpan(c.text, s.id), s.file, `${s.id} rendered in chunk ${c.index}`);
  // A file is split only when it cannot fit a chunk: here every file fits one.
  const chunkOfFile = new Map<string, Set<number>>();
  for (const c of chunks)
    for (const s of c.spans) chunkOfFile.set(s.file, (chunkOfFile.get(s.file) ?? new Set()).add(c.index));
  for (const [file, where] of chunkOfFile) assert.equal(where.size, 1, `${file} in chunks ${[...where].join(", ")}`);
});

test("workers read the chunks in order, each with exactly its chunk and the previous unit; then the manager", async () => {
  const { record, events } = await run();
  const chain = record.chain;
  assert.ok(chain.chunks.length >= 2, `${chain.chunks.length} chunks`);
  assert.equal(server.requests.length, chain.chunks.length + 1);
  assert.equal(chain.estimate.calls, server.requests.length, "the estimate named the calls made");
  const progress = events.filter((e) => e.type === "progress").map((e) => (e as { chunk: number }).chunk);
  assert.deepEqual(
    progress,
    chain.chunks.map((c) => c.index),
  );
  let previous = "(none yet: you read the first chunk)";
  chain.chunks.forEach((chunk, i) => {
    const sent = server.requests[i]!.messages;
    assert.equal(sent[0]!.content, WORKER_PROMPT);
    const user = sent[1]!.content;
    const [, context, notes, question] =
      /^<context>\n([\s\S]*)<\/context>\n\nNotes from the previous worker:\n([\s\S]*)\n\nQuestion: (.*)$/.exec(user)!;
    assert.deepEqual(
      [...context!.matchAll(/^\[(S\d+)\]/gm)].map((m) => m[1]),
      chunk.spans,
      `chunk ${chunk.index} holds exactly its spans`,
    );
    assert.equal(notes, previous, `worker ${chunk.index} got the previous unit`);
    assert.equal(question, QUESTION);
    previous = chain.calls[i]!.output;
  });
  const manager = server.requests.at(-1)!.messages;
  assert.equal(manager[0]!.content, MANAGER_PROMPT);
  assert.ok(manager[1]!.content.includes(previous), "the manager gets the last unit");
  const all = manager.map((m) => m.content).join("\n");
  assert.doesNotMatch(all, /<context>|^\s*\d+ \| /m, "the manager never sees a chunk's code");
  assert.equal(
    chain.used.promptTokens,
    chain.calls.reduce((n, c) => n + c.promptTokens, 0),
  );
  assert.ok(chain.used.outputTokens > 0);
});

test("citations to chunk 2's lines validate and name worker 2; lines never sent are flagged", async () => {
  const { record } = await run();
  const chain = record.chain;
  const second = chain.chunks[1]!.spans[0]!;
  const cited = record.citations.find((c) => c.id === second && c.valid);
  assert.ok(cited, `a valid citation of ${second} (${record.citations.map((c) => `${c.text}:${c.valid}`).join(", ")})`);
  assert.equal(workerOf(chain, cited), 2);
  const never = record.citations.filter((c) => !c.valid).map((c) => c.text);
  assert.deepEqual(never, ["[S999]", "billing/nowhere.py:1-3"]);
});

test("cancelling mid-chain stops further calls", async () => {
  const { record } = await run((e, abort) => {
    if (e.type === "unit" && e.chunk === 1) abort.abort();
  });
  assert.equal(server.requests.length, 1, "no call after the cancel");
  assert.equal(record.error?.code, "cancelled");
  assert.equal(record.chain.calls.length, 1);
});

test("a chain cancelled before its first call makes no call and says so", async () => {
  const { record } = await run((e, abort) => {
    if (e.type === "plan") abort.abort();
  });
  assert.equal(server.requests.length, 0);
  assert.equal(record.error?.code, "cancelled");
  assert.deepEqual(record.prompt.messages, []);
});

test("Explain switches to Deep Answer only when its call path's own code exceeds the budget", async () => {
  // A call path whose callees are long: at 6× the budget they are all shown, and together they outgrow one budget.
  const body = (name: string) =>
    `def ${name}(order):\n` +
    Array.from({ length: 40 }, (_, i) => `    step_${i} = order.total * ${i} + len(order.items) - ${i}`).join("\n") +
    `\n    return step_0\n`;
  const long = await engineFor(`
//- shop/checkout.py
from shop.steps import price, tax, ship


def checkout(order):
    return price(order) + tax(order) + ship(order)
//- shop/steps.py
${body("price")}

${body("tax")}

${body("ship")}
`);
  try {
    const budget = 600;
    const wide = explainPackage(long.engine, { name: "checkout" }, { budget: budget * DEEP_FACTOR })!;
    assert.equal(pathExceedsBudget(wide.pack, budget), true, "three 40-line callees do not fit 600 tokens");
    assert.equal(pathExceedsBudget(wide.pack, budget * DEEP_FACTOR), false);
    const { engine } = await ctx;
    const small = explainPackage(engine, { name: "invoices_step_0" }, { budget: budget * DEEP_FACTOR })!;
    assert.equal(pathExceedsBudget(small.pack, budget), false, "a short path fits one budget");
  } finally {
    long.cleanup();
  }
});

test("an endpoint error mid-chain ends the chain with that error and its message; no manager call", async () => {
  const { record: probe } = await run();
  const second = Number(probe.chain.chunks[1]!.spans[0]!.slice(1));
  failWorker = second;
  try {
    const { record } = await run();
    assert.equal(server.requests.length, 2, "worker 1, then worker 2 fails; nothing after");
    assert.equal(record.error?.code, "unauthorized");
    assert.match(record.error!.message, /API key/);
    assert.equal(record.chain.calls.length, 2);
    assert.ok(record.chain.calls.every((c) => c.role === "worker"));
  } finally {
    failWorker = undefined;
  }
});

test("the inspector model lists every call with its worker's chunk, and the Markdown export has them", async () => {
  const { record } = await run();
  const { engine } = await ctx;
  const counter = engine.counter();
  const model = inspectorModel(record.context, record.prompt, {
    dryRun: false,
    linesOf: (f) => engine.retrievalIndex?.lines.get(f),
    count: (t) => counter.count(t),
    chain: record.chain,
  });
  const calls = model.chain!.calls;
  assert.equal(calls.length, record.chain.chunks.length + 1);
  record.chain.chunks.forEach((chunk, i) => {
    assert.equal(calls[i]!.role, "worker");
    assert.deepEqual(calls[i]!.spans, chunk.spans);
  });
  assert.equal(calls.at(-1)!.role, "manager");
  assert.deepEqual(model.chain!.used, record.chain.used);
  const markdown = toMarkdown(model);
  assert.match(markdown, /## Deep Answer\n\n\d+ calls/);
  assert.match(markdown, /### worker 2 \(S\d+/);
});
