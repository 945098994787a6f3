import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
// First: it installs the fake `vscode` module that the service's module requires.
import { Uri, state } from "../helpers/fake-vscode";
import { IndexService } from "../../src/vscode/index-service";
import { SHOP } from "../helpers/context";
import { shopHistoryRepo } from "../helpers/git-repo";
import { writeFixture } from "../helpers/fixture";

const log = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  show: () => undefined,
};

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a saved file updates the retrieval index in place: one build, then syncs, and the next question sees the new line", async () => {
  const fx = writeFixture(SHOP);
  state.workspaceFolders = [{ name: "ws", uri: Uri.file(fx.root) }];
  const service = new IndexService(undefined, log as never, () => undefined);
  try {
    await service.rebuild();
    const ready = (await service.whenReady())!;
    await until("the index to be prewarmed", () => ready.engine.counts.builds === 1);
    const file = path.join(fx.root, "shop/refunds.py");
    fs.appendFileSync(file, "\n\ndef refund_window_days():\n    return 30  # the window for a refund\n");
    state.watchers.at(-1)!.fire("change", Uri.file(file));
    await until("the save to reach the retrieval index", () => ready.engine.counts.syncs === 1);
    assert.deepEqual(ready.engine.counts.lastSync, { added: 0, changed: 1, removed: 0, relinked: 1, units: 1 });
    const pack = ready.engine.build("how many days is the refund window", { budget: 2000 });
    assert.match(pack.text, /return 30 {2}# the window for a refund/);
    assert.equal(ready.engine.counts.builds, 1, "no full rebuild after the save");
  } finally {
    service.dispose();
    fx.cleanup();
  }
});

test("the editor reads the workspace's git history in the background and ranks with it; not in Restricted Mode", async () => {
  const { repo, fixVat } = shopHistoryRepo();
  state.workspaceFolders = [{ name: "ws", uri: Uri.file(repo.root) }];
  const question = "Why is VAT rounding wrong for zero-rated goods?";
  state.trusted = false;
  let service = new IndexService(undefined, log as never, () => undefined);
  try {
    await service.rebuild();
    const untrusted = (await service.whenReady())!;
    assert.deepEqual(untrusted.engine.build(question, { budget: 2000 }).history, {
      state: "unavailable",
      reason: "history is not read in Restricted Mode",
    });
    service.dispose();
    state.trusted = true;
    service = new IndexService(undefined, log as never, () => undefined);
    await service.rebuild();
    const ready = (await service.whenReady())!;
    await until("history to be read", () => ready.engine.build(question, { budget: 2000 }).history?.state === "used");
    const pack = ready.engine.build(question, { budget: 2000 });
    const levy = pack.spans.find((s) => s.symbol === "levy");
    assert.ok(
      levy?.reasons.some((r) => r.kind === "history" && r.example.id === fixVat),
      JSON.stringify(levy),
    );
  } finally {
    service.dispose();
    repo.cleanup();
  }
});
