import assert from "node:assert/strict";
import { after, before, test } from "node:test";
// First: it installs the fake `vscode` module that the participant's module requires.
import { state, type LanguageModelChatMessage, type Location } from "../helpers/fake-vscode";
import { registerChatParticipant } from "../../src/vscode/chat-participant";
import { SHOP, engineFor, fileOfSpan } from "../helpers/context";

type Part = [string, unknown];

function recorder() {
  const parts: Part[] = [];
  const stream = {
    markdown: (v: string) => parts.push(["markdown", v]),
    anchor: (v: Location, title?: string) => parts.push(["anchor", { v, title }]),
    reference: (v: Location) => parts.push(["reference", v]),
    progress: (v: string) => parts.push(["progress", v]),
    button: (v: { command: string; title: string }) => parts.push(["button", v]),
  };
  return {
    parts,
    stream,
    markdown: () =>
      parts
        .filter((p) => p[0] === "markdown")
        .map((p) => p[1])
        .join(""),
  };
}

/** A fake `request.model`: records the messages and streams a scripted answer in small pieces. */
function scriptedModel(answer: string) {
  const sent: LanguageModelChatMessage[][] = [];
  return {
    sent,
    model: {
      name: "scripted",
      sendRequest: async (messages: LanguageModelChatMessage[]) => {
        sent.push(messages);
        return {
          text: (async function* () {
            for (let i = 0; i < answer.length; i += 7) yield answer.slice(i, i + 7);
          })(),
        };
      },
    },
  };
}

const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

let t: Awaited<ReturnType<typeof engineFor>>;
let shown: unknown[];
before(async () => {
  t = await engineFor(SHOP);
  shown = [];
  registerChatParticipant(
    { extensionUri: { fsPath: "/ext" } } as never,
    { whenReady: async () => ({ index: t.index, engine: t.engine }) } as never,
    { show: (m: unknown) => shown.push(m) } as never,
  );
});
after(() => t.cleanup());

test("@threadline answers through request.model with Threadline's context; only valid citations become anchors", async () => {
  const pack = t.engine.build("How are refunds computed?", { budget: 8000 });
  const refund = pack.spans.find((s) => s.symbol === "compute_refund")!;
  const { model, sent } = scriptedModel(`The refund is the total minus a fee [${refund.id}]. Not this: [S404].`);
  const r = recorder();
  await state.handler!(
    { prompt: "How are refunds computed?", command: undefined, model },
    { history: [] },
    r.stream,
    token,
  );
  assert.equal(sent.length, 1);
  const prompt = sent[0]!.map((m) => m.content).join("\n");
  assert.equal(fileOfSpan(prompt, refund.id), refund.file, "the package was sent to the Chat's model");
  assert.ok(prompt.includes("Question: How are refunds computed?"));
  const anchors = r.parts.filter((p) => p[0] === "anchor").map((p) => p[1] as { v: Location; title: string });
  assert.equal(anchors.length, 1);
  assert.equal(anchors[0]!.title, refund.id);
  assert.ok(anchors[0]!.v.uri.fsPath.endsWith("shop/refunds.py"));
  assert.equal(anchors[0]!.v.range.startLine, refund.ranges[0]![0] - 1);
  assert.match(r.markdown(), /Not this: \[S404\] ⚠️\./);
  assert.match(
    r.markdown(),
    /> ⚠️ 1 citation\(s\) do not match what was sent: \[S404\] \(S404 was not in the context\)/,
  );
});

test("/context shows what would be sent without calling the model; /inspect opens the inspector", async () => {
  const { model, sent } = scriptedModel("unused");
  const r = recorder();
  await state.handler!(
    { prompt: "How are refunds computed?", command: "context", model },
    { history: [] },
    r.stream,
    token,
  );
  assert.equal(sent.length, 0);
  assert.match(r.markdown(), /^Threadline would send \d+ spans, \d+ of 8000 tokens, for “How are refunds computed\?”/);
  assert.match(r.markdown(), /def compute_refund\(order_id, reason\):/);
  assert.ok(r.parts.some((p) => p[0] === "reference"));
  const i = recorder();
  await state.handler!({ prompt: "", command: "inspect", model }, { history: [] }, i.stream, token);
  assert.equal(shown.length, 1);
  assert.equal((shown[0] as { question: string }).question, "How are refunds computed?");
});

test("/explain walks the named symbol, and the query is the symbol, not the instruction", async () => {
  const { model, sent } = scriptedModel("It loads the order first.");
  const r = recorder();
  await state.handler!({ prompt: "compute_refund", command: "explain", model }, { history: [] }, r.stream, token);
  const prompt = sent[0]!.map((m) => m.content).join("\n");
  assert.match(prompt, /Explain step by step how `compute_refund` works across files/);
  assert.match(prompt, /^\[S\d+\] compute_refund$/m);
  assert.match(prompt, /^\[S\d+\] load_order$/m, "a callee is on the path");
});

test("in an untrusted workspace it says why in one line and offers to trust, sending nothing", async () => {
  state.trusted = false;
  try {
    const { model, sent } = scriptedModel("unused");
    const r = recorder();
    await state.handler!({ prompt: "anything", command: undefined, model }, { history: [] }, r.stream, token);
    assert.equal(sent.length, 0);
    assert.match(r.markdown(), /^This workspace is in Restricted Mode: Threadline indexes it but sends no code/);
    assert.deepEqual(r.parts.find((p) => p[0] === "button")![1], {
      command: "workbench.trust.manage",
      title: "Trust this workspace",
    });
  } finally {
    state.trusted = true;
  }
});

test("with no language model it says so and points to Threadline's panel", async () => {
  const r = recorder();
  await state.handler!(
    { prompt: "How are refunds computed?", command: undefined, model: undefined },
    { history: [] },
    r.stream,
    token,
  );
  assert.match(r.markdown(), /No language model is available in Chat\. Use Threadline's own panel/);
  assert.deepEqual(r.parts.find((p) => p[0] === "button")![1], {
    command: "workbench.view.extension.threadline",
    title: "Open Threadline",
  });
});
