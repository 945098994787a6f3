import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ask, type AskEvent } from "../../src/core/chat/ask";
import type { EndpointConfig } from "../../src/core/chat/client";
import { SHOP, engineFor } from "../helpers/context";
import { startTestServer, type TestServer } from "../helpers/openai-server";

let server: TestServer;
const ctx = engineFor(SHOP);
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
  (await ctx).cleanup();
});

const endpoint = (model: string, extra: Partial<EndpointConfig> = {}): EndpointConfig => ({
  baseUrl: server.baseUrl,
  model,
  apiKey: "sk-test-secret",
  maxOutputTokens: 256,
  timeoutMs: 5000,
  maxRetries: 2,
  ...extra,
});
const noSleep = async () => undefined;

async function run(
  model: string,
  question = "How is the refund computed?",
  extra: Partial<EndpointConfig> = {},
  signal?: AbortSignal,
) {
  const { engine } = await ctx;
  const events: AskEvent[] = [];
  const record = await ask(
    engine,
    endpoint(model, extra),
    { question, history: [], budget: 600 },
    (e) => events.push(e),
    signal,
    noSleep,
  );
  return { record, events };
}

test("the answer streams in pieces through the real client, and its citations are checked", async () => {
  const { record, events } = await run("ok");
  const deltas = events.filter((e) => e.type === "delta").map((e) => (e as { text: string }).text);
  assert.ok(deltas.length > 3, "streamed in several chunks");
  assert.equal(deltas.join(""), server.answer);
  assert.equal(record.error, undefined);
  assert.equal(record.answer, server.answer);
  const sent = server.requests.at(-1)!;
  assert.equal(sent.max_tokens, 256);
  assert.match(sent.messages[0]!.content, /Answer only from the repository context/);
  assert.match(
    sent.messages.at(-1)!.content,
    /^<context>\n[\s\S]*<\/context>\n\nQuestion: How is the refund computed\?$/,
  );
  // The answer cites [S1:5-9]; whether it is valid depends on what S1 was.
  const s1 = record.context.spans.find((s) => s.id === "S1")!;
  const holds = s1.file === "shop/refunds.py" && s1.ranges.some(([a, b]) => a <= 5 && b >= 9);
  assert.equal(record.citations.length, 1);
  assert.equal(record.citations[0]!.valid, holds, record.citations[0]!.reason);
});

test("Stop aborts the HTTP request mid-stream and keeps what arrived", async () => {
  server.answer = "one two three four five six seven eight nine ten eleven twelve";
  const abort = new AbortController();
  const { engine } = await ctx;
  let received = 0;
  const abortedBefore = server.aborted;
  const record = await ask(
    engine,
    endpoint("slow"),
    { question: "refund?", history: [], budget: 400 },
    (e) => {
      if (e.type === "delta" && ++received === 3) abort.abort();
    },
    abort.signal,
    noSleep,
  );
  assert.equal(record.error?.code, "cancelled");
  assert.ok(record.answer.length > 0 && record.answer.length < server.answer.length, record.answer);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.aborted, abortedBefore + 1, "the server saw the connection close early");
  server.answer = "The refund is the total minus the fee [S1:5-9].";
});

test("429 and 5xx are retried with backoff, saying so", async () => {
  for (const model of ["429-once", "500-once"]) {
    const before = server.requests.length;
    const { record, events } = await run(model);
    assert.equal(record.error, undefined, model);
    assert.equal(server.requests.length - before, 2, `${model}: one retry`);
    assert.ok(events.some((e) => e.type === "notice" && /Retrying in/.test(e.message)));
  }
  const before = server.requests.length;
  const { record } = await run("500");
  assert.equal(record.error?.code, "server_error");
  assert.equal(server.requests.length - before, 3, "first try and two retries, then it gives up");
});

test("401, unknown models, unreachable servers and timeouts give actionable messages, without the key", async () => {
  const unauthorized = (await run("401")).record.error!;
  assert.equal(unauthorized.code, "unauthorized");
  assert.match(unauthorized.message, /rejected the API key \(401\)\. Run "Threadline: Set API Key"/);
  const missing = (await run("404")).record.error!;
  assert.equal(missing.code, "model_not_found");
  assert.match(missing.message, /Model "404" was not found at http:\/\/127\.0\.0\.1:\d+\/v1 \(404\)/);
  const down = (await run("ok", "q", { baseUrl: "http://127.0.0.1:9/v1" })).record.error!;
  assert.equal(down.code, "network");
  assert.match(down.message, /Cannot reach http:\/\/127\.0\.0\.1:9\/v1/);
  const slow = (await run("slow", "q", { timeoutMs: 1 })).record.error!;
  assert.ok(slow.code === "timeout" || slow.code === "network", slow.code);
  for (const e of [unauthorized, missing, down, slow]) assert.doesNotMatch(e.message, /sk-test-secret/);
});

test("a stream that stalls after its first words times out, keeping what arrived", async () => {
  // "slow" sends its headers at once, then a word every 50 ms: the client's own timeout has
  // ended by then, so only a wait between chunks can catch the stall.
  server.answer = "one two three four five six seven eight nine ten eleven twelve";
  try {
    const { record, events } = await run("slow", "q", { timeoutMs: 20 });
    assert.equal(record.error?.code, "timeout", record.error?.message);
    assert.match(record.error!.message, /timed out.*threadline\.chat\.timeoutSeconds/);
    const streamed = events.filter((e) => e.type === "delta").length;
    assert.ok(streamed < 12, `${streamed} words arrived: the stall was not caught`);
    // A server that keeps talking within the timeout is not cut off.
    const patient = await run("slow", "q", { timeoutMs: 2000 });
    assert.equal(patient.record.error, undefined);
    assert.equal(patient.record.answer, server.answer);
  } finally {
    server.answer = "The refund is the total minus the fee [S1:5-9].";
  }
});

test("context length exceeded shrinks the budget and retries once, saying so", async () => {
  const { record, events } = await run("ctx-small");
  assert.ok(events.some((e) => e.type === "notice" && /retrying once with a 360-token context/.test(e.message)));
  // The test server accepts only tiny prompts, so even the retry may be refused; it is tried exactly once more.
  const contexts = events.filter((e) => e.type === "context");
  assert.equal(contexts.length, 2);
  assert.ok(record.error === undefined || record.error.code === "context_length");
});

test("follow-up questions keep earlier turns, with their citations rewritten as paths", async () => {
  const { engine } = await ctx;
  const first = await run("ok");
  await ask(
    engine,
    endpoint("ok"),
    {
      question: "And the fee?",
      history: [{ question: first.record.question, answer: first.record.answer, citations: first.record.citations }],
      budget: 600,
    },
    () => undefined,
    undefined,
    noSleep,
  );
  const sent = server.requests.at(-1)!.messages;
  assert.deepEqual(
    sent.map((m) => m.role),
    ["system", "user", "assistant", "user"],
  );
  assert.equal(sent[1]!.content, "How is the refund computed?");
  if (first.record.citations[0]!.valid) assert.match(sent[2]!.content, /shop\/refunds\.py:5-9/);
  assert.match(sent[3]!.content, /Question: And the fee\?$/);
});
