import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ask } from "../../src/core/chat/ask";
import type { EndpointConfig } from "../../src/core/chat/client";
import {
  emptyMemory,
  foldMemory,
  planMemory,
  readMemory,
  remember,
  SUMMARY_INSTRUCTION,
  type ConversationMemory,
} from "../../src/core/chat/memory";
import { inspectorModel, toMarkdown } from "../../src/core/chat/inspector-model";
import { MEMORY_SHARE, SYSTEM_PROMPT, buildPrompt, explainInstruction } from "../../src/core/chat/prompt";
import { citationsOf } from "../../src/core/citations";
import { SHOP, engineFor } from "../helpers/context";
import { startTestServer, type TestServer } from "../helpers/openai-server";

const SUMMARY = "Summary: the user asked about refunds, computed in shop/refunds.py:5-9 as total minus fee.";
/** Distinct topics, worded as a user would; each answer repeats its topic's words. */
const TOPICS = [
  ["How is money formatted with a currency?", "format_money prints two decimals and the currency code."],
  ["What fields does an Order have?", "An Order keeps order_id, total and category."],
  ["When is a restocking fee charged for electronics?", "restocking_fee charges 15% on electronics orders."],
  ["How is an order loaded by its id?", "load_order looks the order up by order_id."],
  ["How are cents rounded?", "round_cents rounds the amount to two places."],
  ["Who calls compute_refund?", "compute_refund is the entry point for refunds."],
  ["What does the shop package contain?", "Modules for money, orders and refunds."],
  ["Is there any caching?", "No caching is visible in the shop package."],
] as const;

let server: TestServer;
const ctx = engineFor(SHOP);
before(async () => {
  server = await startTestServer("ok", (question, messages) => {
    if (messages[0]?.content === SUMMARY_INSTRUCTION) return { behaviour: "ok", answer: SUMMARY };
    const topic = TOPICS.find(([q]) => question.startsWith(q));
    return {
      behaviour: question.startsWith("SLOW") ? "slow" : "ok",
      answer: topic?.[1] ?? `About ${question}: ${"detail ".repeat(60)}`,
    };
  });
});
after(async () => {
  await server.close();
  (await ctx).cleanup();
});

const endpoint = (model = "auto"): EndpointConfig => ({
  baseUrl: server.baseUrl,
  model,
  maxOutputTokens: 256,
  timeoutMs: 5000,
  maxRetries: 0,
});

/** One turn as the editor runs it: ask, remember, then fold if the threshold is passed. */
async function turn(memory: ConversationMemory, question: string, budget: number) {
  const { engine } = await ctx;
  const record = await ask(engine, endpoint(), { question, history: memory, budget }, () => undefined);
  assert.equal(record.error, undefined, record.error?.message);
  const next = remember(memory, record);
  const fold = await foldMemory(next, endpoint(), budget, engine.counter());
  return { record, memory: fold.kind === "folded" ? fold.memory : next, fold };
}

test("the summary call is made once the threshold is passed, and its text is in the next prompt", async () => {
  let memory = emptyMemory();
  const folds: string[] = [];
  for (const [q] of TOPICS.slice(0, 7)) {
    const r = await turn(memory, q, 800);
    memory = r.memory;
    folds.push(r.fold.kind);
  }
  // Six open turns are under the threshold; the seventh passes it and folds all but the newest two.
  assert.deepEqual(folds, [
    "not-needed",
    "not-needed",
    "not-needed",
    "not-needed",
    "not-needed",
    "not-needed",
    "folded",
  ]);
  const summaryCalls = server.requests.filter((r) => r.messages[0]!.content === SUMMARY_INSTRUCTION);
  assert.equal(summaryCalls.length, 1);
  assert.match(summaryCalls[0]!.messages[1]!.content, /\[Turn 1\] User: How is money formatted/);
  assert.doesNotMatch(summaryCalls[0]!.messages[1]!.content, /\[Turn 6\]/, "the newest two turns stay verbatim");
  assert.equal(memory.summary?.through, 5);
  const { record } = await turn(memory, "And what about refunds?", 800);
  const system = server.requests.at(-1)!.messages[0]!.content;
  assert.ok(system.startsWith(SYSTEM_PROMPT));
  assert.ok(system.includes(SUMMARY), "the summary is in the next prompt");
  assert.ok(record.prompt.sections.some((s) => s.name === "summary" && s.tokens > 0));
});

test("a 30-turn conversation never exceeds its budget", async () => {
  const { engine } = await ctx;
  const counter = engine.counter();
  const budget = 700;
  let memory = emptyMemory();
  for (let i = 0; i < 30; i++) {
    const question = `Question ${i} about refund rounding and order totals, part ${i}?`;
    const r = await turn(memory, question, budget);
    memory = r.memory;
    const { prompt } = r.record;
    const memoryTokens = prompt.memory.summaryTokens + prompt.memory.turnTokens;
    assert.ok(memoryTokens <= Math.floor(budget * MEMORY_SHARE), `turn ${i}: memory ${memoryTokens}`);
    assert.ok(r.record.context.tokens <= budget);
    // What was really sent, counted again: system, memory, context and the question, nothing else.
    const sent = server.requests.filter((q) => q.messages[0]!.content !== SUMMARY_INSTRUCTION).at(-1)!;
    const total = sent.messages.reduce((n, m) => n + counter.count(m.content), 0);
    const fixed =
      counter.count(SYSTEM_PROMPT) +
      counter.count(`Question: ${question}`) +
      counter.count("<context>\n</context>\n\n");
    assert.ok(total <= fixed + budget + Math.floor(budget * MEMORY_SHARE) + 4, `turn ${i}: ${total} tokens sent`);
  }
  assert.equal(memory.episodes.length, 30, "every turn is kept for recall");
  assert.ok((memory.summary?.through ?? 0) >= 20, "older turns are folded into the summary");
});

test("a question that repeats turn 3's topic recalls turn 3, and not turn 4", async () => {
  const { engine } = await ctx;
  let memory = emptyMemory();
  for (const [q, a] of TOPICS) {
    const pack = engine.build(q, { budget: 500 });
    memory = remember(memory, { question: q, answer: a, citations: [], context: pack });
  }
  memory = { ...memory, summary: { text: "Turns 1-6 covered money, orders and refunds.", through: 6 } };
  const question = "Remind me: which orders pay the restocking fee?";
  const pack = engine.build(question, { budget: 500 });
  const plan = planMemory(memory, question, pack, 400, engine.counter());
  const byTurn = new Map(plan.turns.map((t) => [t.turn, t]));
  assert.equal(byTurn.get(3)?.how, "recalled");
  assert.ok(
    byTurn.get(3)!.why!.some((w) => /restocking|fee/.test(w)),
    byTurn.get(3)!.why!.join("; "),
  );
  assert.equal(byTurn.has(4), false, "turn 4 is about something else and already summarised");
  assert.equal(byTurn.get(8)?.how, "latest");
  assert.equal(byTurn.get(7)?.how, "recent", "not yet summarised");
  // Recalled whole: the turn's question and answer, in conversation order.
  const contents = plan.messages.map((m) => m.content);
  assert.deepEqual(contents.slice(0, 2), [TOPICS[2][0], TOPICS[2][1]]);
});

test("cancelling the summary loses nothing", async () => {
  let memory = emptyMemory();
  for (const [q, a] of TOPICS)
    memory = remember(memory, { question: q, answer: a, citations: [], context: { spans: [] } });
  const before = structuredClone(memory);
  const abort = new AbortController();
  abort.abort();
  const { engine } = await ctx;
  const fold = await foldMemory(memory, endpoint(), 800, engine.counter(), abort.signal);
  assert.equal(fold.kind, "failed");
  assert.equal(fold.kind === "failed" && fold.error.code, "cancelled");
  assert.deepEqual(memory, before, "the memory is unchanged");
  assert.equal(planMemory(memory, "money", { spans: [] }, 2000, engine.counter()).turns.length, 8);
});

test("a citation to an earlier turn is checked against what that turn sent", async () => {
  const { engine } = await ctx;
  const refunds = engine.build("How is the refund computed?", { budget: 500 });
  assert.ok(refunds.spans.some((s) => s.file === "shop/refunds.py"));
  let memory = remember(emptyMemory(), {
    question: "How is the refund computed?",
    answer: "See [S1].",
    citations: [],
    context: refunds,
  });
  memory = remember(memory, { question: "Money?", answer: "format_money.", citations: [], context: { spans: [] } });
  const current = { spans: [] };
  const sentRange = refunds.spans.find((s) => s.file === "shop/refunds.py")!.ranges[0]!;
  const earlier = memory.episodes;
  const [ok, notSent] = citationsOf(
    `As before, shop/refunds.py:${sentRange[0]}-${sentRange[0] + 1}; and shop/refunds.py:900-901.`,
    current,
    earlier,
  );
  assert.equal(ok!.valid, true, ok!.reason);
  assert.equal(ok!.turn, 1);
  assert.match(ok!.reason, /sent in turn 1/);
  assert.equal(notSent!.valid, false);
  assert.equal(notSent!.turn, undefined);
});

test("a corrupt memory store is reported and started afresh, never trusted", () => {
  const bad = readMemory({ version: 1, episodes: [{ turn: "three" }] });
  assert.deepEqual(bad.memory, emptyMemory());
  assert.match(bad.problem!, /unreadable/);
  const future = readMemory({ version: 2, episodes: [] });
  assert.match(future.problem!, /unreadable/);
  const good = remember(emptyMemory(), { question: "q", answer: "a", citations: [], context: { spans: [] } });
  assert.deepEqual(readMemory(JSON.parse(JSON.stringify(good))), { memory: good });
});

test("Explain recalls earlier turns by its package's query (the symbol), not by its instruction's fixed words", async () => {
  const { engine } = await ctx;
  let memory = emptyMemory();
  for (const [q, a] of [
    [explainInstruction("format_money"), "It formats two decimals and a currency code."],
    ["Money?", "format_money."],
    ["Orders?", "load_order."],
  ] as const)
    memory = remember(memory, { question: q, answer: a, citations: [], context: { spans: [] } });
  const question = explainInstruction("restocking_fee");
  const pack = engine.build("restocking_fee", { budget: 500 });
  const recalled = (query?: string) =>
    buildPrompt(question, { ...pack, question: query ?? question }, memory, 400, engine.counter())
      .memory.turns.filter((t) => t.how === "recalled")
      .map((t) => t.turn);
  assert.deepEqual(recalled(), [1], "the instruction's words alone recall the other Explain turn");
  assert.deepEqual(recalled("restocking_fee"), [], "the symbol does not");
});

test("the inspector model shows the summary and each carried turn with why; the Markdown export too", async () => {
  const { engine } = await ctx;
  let memory = emptyMemory();
  for (const [q, a] of TOPICS)
    memory = remember(memory, { question: q, answer: a, citations: [], context: { spans: [] } });
  memory = { ...memory, summary: { text: "Money, orders and refunds were covered.", through: 6 } };
  const question = "Remind me: which orders pay the restocking fee?";
  const pack = engine.build(question, { budget: 500 });
  const counter = engine.counter();
  const prompt = buildPrompt(question, pack, memory, 400, counter);
  const model = inspectorModel(pack, prompt, {
    dryRun: false,
    linesOf: (f) => engine.retrievalIndex?.lines.get(f),
    count: (t) => counter.count(t),
  });
  assert.equal(model.memory!.summary!.through, 6);
  const recalled = model.memory!.turns.find((t) => t.how === "recalled")!;
  assert.equal(recalled.turn, 3);
  assert.match(recalled.why!.join("; "), /shares words/);
  // Joined to the system message, the summary costs what it cost alone, give or take the joint's token.
  const summaryTokens = model.sections.find((s) => s.name === "summary")!.tokens;
  assert.ok(
    Math.abs(summaryTokens - prompt.memory.summaryTokens) <= 2,
    `${summaryTokens} vs ${prompt.memory.summaryTokens}`,
  );
  const markdown = toMarkdown(model);
  assert.match(markdown, /## Conversation memory\n\nSummary of turns 1-6/);
  assert.match(markdown, /- turn 3 \(recalled, \d+ tokens\): shares words/);
});
