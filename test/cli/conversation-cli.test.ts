import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { WORKER_PROMPT } from "../../src/core/chat/chain";
import { CLI, runCli } from "../helpers/cli";
import { writeFixture } from "../helpers/fixture";
import { startTestServer } from "../helpers/openai-server";

const skip = !fs.existsSync(CLI) && "run `npm run build` first";

const SHOP = `
//- shop/refunds.py
def compute_refund(order):
    """Refund the total minus the restocking fee."""
    return order.total - restocking_fee(order)


def restocking_fee(order):
    return order.total * 0.15
//- shop/money.py
def format_money(amount, currency="EUR"):
    return f"{amount:.2f} {currency}"
`;

test(
  "`ask --conversation FILE` carries earlier turns between runs, and sets a corrupt file aside",
  { skip },
  async () => {
    const server = await startTestServer("It subtracts the fee [S1].");
    const fx = writeFixture(SHOP);
    const file = path.join(fx.root, "..", `conv-${path.basename(fx.root)}.json`);
    const ask = (question: string) =>
      runCli([
        "ask",
        "--repo",
        fx.root,
        "--question",
        question,
        "--base-url",
        server.baseUrl,
        "--model",
        "ok",
        "--conversation",
        file,
      ]);
    try {
      const first = await ask("How is the refund computed?");
      assert.equal(first.status, 0, first.stderr);
      const second = await ask("And the fee?");
      assert.equal(second.status, 0, second.stderr);
      const sent = server.requests.at(-1)!.messages.map((m) => m.content);
      assert.equal(sent[1], "How is the refund computed?", "the first turn is in the second prompt");
      assert.match(sent[2]!, /It subtracts the fee shop\/refunds\.py:\d+-\d+\./, "with its citation as path:lines");
      const stored = JSON.parse(fs.readFileSync(file, "utf8"));
      assert.deepEqual(
        stored.episodes.map((e: { turn: number }) => e.turn),
        [1, 2],
      );

      fs.writeFileSync(file, '{"version": 1, "episodes": [{"turn": ');
      const third = await ask("Where is money formatted?");
      assert.equal(third.status, 0, third.stderr);
      assert.match(
        third.stderr,
        /conversation file is not JSON.*kept it as .*\.corrupt and started a new conversation/,
      );
      assert.equal(fs.readFileSync(`${file}.corrupt`, "utf8"), '{"version": 1, "episodes": [{"turn": ', "nothing lost");
      assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).episodes.length, 1);
    } finally {
      await server.close();
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.corrupt`, { force: true });
      fx.cleanup();
    }
  },
);

test("`ask --deep` shows the cost first, then each chunk, then the tokens used", { skip }, async () => {
  const server = await startTestServer("Notes: the fee is subtracted [S1].");
  const fx = writeFixture(SHOP);
  try {
    const r = await runCli([
      "ask",
      "--repo",
      fx.root,
      "--question",
      "How is the refund computed?",
      "--base-url",
      server.baseUrl,
      "--model",
      "ok",
      "--deep",
      "--budget",
      "400",
      "--format",
      "json",
    ]);
    assert.equal(r.status, 0, r.stderr);
    const plan = /Deep Answer: (\d+) chunks? \(a prompt of up to 400 tokens each\), (\d+) calls/.exec(r.stderr);
    assert.ok(plan, r.stderr);
    const chunks = Number(plan[1]);
    assert.equal(Number(plan[2]), chunks + 1);
    assert.ok(r.stderr.indexOf("Deep Answer:") < r.stderr.indexOf("reading chunk 1 of"), "the cost comes first");
    const used = /Deep Answer used ([\d,]+) prompt \+ ([\d,]+) output tokens in (\d+) calls/.exec(r.stderr);
    assert.ok(
      used && r.stderr.indexOf(used[0]) > r.stderr.indexOf(`reading chunk ${chunks} of`),
      "the tokens used come last",
    );
    assert.equal(Number(used[3]), chunks + 1);
    const body = JSON.parse(r.stdout);
    assert.equal(body.chain.calls.length, chunks + 1);
    assert.equal(server.requests.length, chunks + 1);
    assert.equal(server.requests[0]!.messages[0]!.content, WORKER_PROMPT);
    const cited = body.citations.find((c: { text: string }) => c.text === "[S1]");
    assert.equal(cited.valid, true);
    assert.equal(cited.worker, 1);
  } finally {
    await server.close();
    fx.cleanup();
  }
});
