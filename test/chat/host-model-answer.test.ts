import assert from "node:assert/strict";
import { test } from "node:test";
import type { Citation } from "../../src/core/citations";
import type { ChatMessage } from "../../src/core/chat/client";
import { answerWithHostModel, type HostModel } from "../../src/core/chat/host-model-answer";
import { SHOP, engineFor } from "../helpers/context";

/** A scripted stand-in for VS Code's `request.model`: it records what it was sent and streams the answer in pieces. */
function scriptedModel(fragments: string[]): HostModel & { sent: ChatMessage[][] } {
  const sent: ChatMessage[][] = [];
  return {
    sent,
    async *send(messages, signal) {
      sent.push([...messages]);
      for (const f of fragments) {
        if (signal.aborted) return;
        await new Promise((r) => setTimeout(r, 1));
        yield f;
      }
    },
  };
}

function recordingSink() {
  const parts: (["md", string] | ["cite", Citation] | ["warn", string])[] = [];
  return {
    parts,
    sink: {
      markdown: (t: string) => parts.push(["md", t]),
      citation: (c: Citation) => parts.push(["cite", c]),
      warning: (t: string) => parts.push(["warn", t]),
    },
    text: () => parts.map((p) => (p[0] === "md" ? p[1] : p[0] === "cite" ? `<${p[1].text}>` : "")).join(""),
  };
}

test("the participant's answer: context in the prompt, valid citations linked where they stand, invalid ones flagged", async () => {
  const t = await engineFor(SHOP);
  try {
    const pack = t.engine.build("How are refunds computed?", { budget: 2000 });
    const refund = pack.spans.find((s) => s.symbol === "compute_refund")!;
    const [a, b] = [refund.ranges[0]![0], refund.ranges[0]![1]];
    // Citations split across fragments, as a real stream splits them.
    const answer = `Refunds subtract a fee [${refund.id}:${a}-${b}] and round [${refund.id}`.split("");
    const model = scriptedModel([...answer, `, S77]. Also ${refund.file}:${a}-${b} and [S90:1-2].`]);
    const out = recordingSink();
    const result = await answerWithHostModel(
      "How are refunds computed?",
      pack,
      [],
      model,
      out.sink,
      t.engine.counter(),
      new AbortController().signal,
    );
    assert.equal(model.sent.length, 1);
    const user = model.sent[0]!.at(-1)!;
    assert.equal(user.role, "user");
    assert.ok(user.content.includes(pack.text), "the whole package is in the prompt");
    assert.ok(user.content.endsWith("Question: How are refunds computed?"));
    const cited = out.parts.filter((p) => p[0] === "cite").map((p) => (p[1] as Citation).text);
    assert.deepEqual(cited, [`[${refund.id}:${a}-${b}]`, refund.id, `${refund.file}:${a}-${b}`]);
    assert.equal(
      out.text(),
      `Refunds subtract a fee <[${refund.id}:${a}-${b}]> and round [<${refund.id}>, S77 ⚠️]. Also <${refund.file}:${a}-${b}> and [S90:1-2] ⚠️.`,
    );
    const warning = out.parts.find((p) => p[0] === "warn")![1] as string;
    assert.match(
      warning,
      /^2 citation\(s\) do not match what was sent: S77 \(S77 was not in the context\); \[S90:1-2\]/,
    );
    assert.equal(result.citations.filter((c) => c.valid).length, 3);
  } finally {
    t.cleanup();
  }
});

test("cancelling stops reading the stream and keeps what arrived", async () => {
  const t = await engineFor(SHOP);
  try {
    const pack = t.engine.build("How are refunds computed?", { budget: 2000 });
    const abort = new AbortController();
    const model: HostModel = {
      async *send() {
        yield "First part. ";
        abort.abort();
        yield "never shown";
      },
    };
    const out = recordingSink();
    const result = await answerWithHostModel("q", pack, [], model, out.sink, t.engine.counter(), abort.signal);
    assert.equal(result.answer, "First part. ");
    assert.equal(out.text(), "First part. ");
  } finally {
    t.cleanup();
  }
});
