import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { ContextEngine } from "../../src/core/context/context-engine";
import { RankWeights, rankUnits } from "../../src/core/context/rank";
import { describeReason, inspectorModel } from "../../src/core/chat/inspector-model";
import { buildPrompt } from "../../src/core/chat/prompt";
import { citationsOf } from "../../src/core/citations";
import { HistoryFollower } from "../../src/core/history/history-follower";
import { locateRepository, openHistory, type HistoryResult } from "../../src/core/history/open-history";
import { GitRepo, shopHistoryRepo } from "../helpers/git-repo";
import { indexFor } from "../helpers/index";

const cleanups: (() => void)[] = [];
after(() => cleanups.forEach((c) => c()));

const tmpFile = (name: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-hcache-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
};

function shopRepo(): { repo: GitRepo; fixVat: string } {
  const shop = shopHistoryRepo();
  cleanups.push(() => shop.repo.cleanup());
  return shop;
}

const ok = (r: HistoryResult) => {
  assert.ok(r.ok, r.ok ? "" : r.reason);
  return r;
};

test("a question worded like a commit message ranks that commit's function first, and the reason names the commit", async () => {
  const { repo, fixVat } = shopRepo();
  const r = ok(await openHistory({ workTree: repo.root }, { cacheFile: tmpFile("h.bin") }));
  assert.equal(r.index.size, 3);
  const index = indexFor(repo.root);
  await index.build();
  const engine = new ContextEngine(index);
  cleanups.push(() => (engine.dispose(), index.dispose()));
  engine.prepare();
  const retrieval = engine.retrievalIndex!;
  const question = "Why is VAT rounding wrong for zero-rated goods?";
  const plain = rankUnits(retrieval, question);
  assert.notEqual(retrieval.units[plain[0]!.unit]!.name, "levy", "without history the words match nothing in levy");
  const ranked = rankUnits(retrieval, question, undefined, true, r.index);
  const top = ranked[0]!;
  assert.equal(retrieval.units[top.unit]!.name, "levy");
  const reason = top.reasons.find((x) => x.kind === "history");
  assert.ok(reason && reason.kind === "history");
  assert.equal(reason.example.id, fixVat);
  assert.match(
    describeReason(reason),
    new RegExp(
      `^history: 1 commit, e\\.g\\. ${fixVat.slice(0, 7)} "Fix VAT rounding for zero-rated goods" \\(2020\\)$`,
    ),
  );
  // A question about how the code works leans on history half as much as a report to fix, whose
  // answer is the kind of change commits make (two lines ask for an edit).
  const gain = (q: string) => {
    const levy = (list: typeof ranked) => list.find((x) => retrieval.units[x.unit]!.name === "levy")?.score ?? 0;
    return levy(rankUnits(retrieval, q, undefined, true, r.index)) - levy(rankUnits(retrieval, q));
  };
  const asked = gain(question);
  const reported = gain(`${question}\nThe total is off by a cent.`);
  assert.ok(reported > 0.5, `history lifted levy by ${reported} in the report`);
  assert.ok(asked < reported, `${asked} against ${reported}`);
  assert.ok(Math.abs(asked - reported * RankWeights.historyForQuestion) < 0.01, `${asked} against ${reported}`);
  // The package says history was used, and shows levy.
  const pack = engine.build(question, { budget: 2000, history: r.index });
  assert.deepEqual(pack.history, { state: "used", commits: 3 });
  assert.ok(pack.spans.some((s) => s.symbol === "levy"));
  const without = engine.build(question, { budget: 2000, historyUnavailable: "still reading history" });
  assert.deepEqual(without.history, { state: "unavailable", reason: "still reading history" });
});

test("after a new commit only that commit is read; a branch switch and a rebase change the view", async () => {
  const { repo } = shopRepo();
  const cacheFile = tmpFile("h.bin");
  const first = ok(await openHistory({ workTree: repo.root }, { cacheFile }));
  assert.equal(first.mined, 3);
  repo.write("shop/ship.py", "def parcel_cost(kg):\n    return 5 + kg\n");
  const shipping = repo.commit("Charge parcels by weight");
  const second = ok(await openHistory({ workTree: repo.root }, { cacheFile }));
  assert.equal(second.mined, 1, "only the new commit is mined");
  assert.equal(second.index.size, 4);
  assert.equal(second.index.search("parcels weight", 1)[0]?.id, shipping);

  repo.git("checkout", "-q", "-b", "feature", "HEAD~1");
  repo.write("shop/gift.py", "def wrap(item):\n    return item\n");
  const gift = repo.commit("Gift wrapping");
  const onFeature = ok(await openHistory({ workTree: repo.root }, { cacheFile }));
  const ids = (r: HistoryResult & { ok: true }) => new Set(r.index.commits.map((c) => c.id));
  assert.equal(onFeature.mined, 1);
  assert.ok(ids(onFeature).has(gift) && !ids(onFeature).has(shipping), "the other branch's commit is not in view");

  repo.git("checkout", "-q", "main");
  const back = ok(await openHistory({ workTree: repo.root }, { cacheFile }));
  assert.equal(back.mined, 0, "both branches' commits were already read");
  assert.ok(ids(back).has(shipping) && !ids(back).has(gift));

  // Rebase (an amended commit): the rewritten commit replaces the old one in the view.
  repo.git("commit", "-q", "--amend", "-m", "Charge parcels by weight and distance");
  const rewritten = repo.git("rev-parse", "HEAD").trim();
  const rebased = ok(await openHistory({ workTree: repo.root }, { cacheFile }));
  assert.ok(ids(rebased).has(rewritten) && !ids(rebased).has(shipping));
  assert.equal(rebased.index.search("parcels distance", 1)[0]?.id, rewritten);
});

test("history from another git directory up to a revision sees nothing after it", async () => {
  const { repo, fixVat } = shopRepo();
  const r = ok(
    await openHistory({ gitDir: path.join(repo.root, ".git"), rev: fixVat }, { cacheFile: tmpFile("h.bin") }),
  );
  assert.equal(r.head, fixVat);
  assert.equal(r.index.size, 2);
  assert.equal(r.index.search("basket crashes item", 5).length, 0);
  const bad = await openHistory({ gitDir: path.join(repo.root, ".git"), rev: "no-such-rev" });
  assert.ok(!bad.ok && bad.code === "bad-revision", JSON.stringify(bad));
});

test("a shallow clone is used with a note; no commits, no repository and no git are clear reasons", async () => {
  const { repo } = shopRepo();
  const clone = new GitRepo(fs.mkdtempSync(path.join(os.tmpdir(), "threadline-shallow-")));
  cleanups.push(() => clone.cleanup());
  clone.git("clone", "-q", "--depth", "1", `file://${repo.root}`, ".");
  const shallow = ok(await openHistory({ workTree: clone.root }));
  assert.equal(shallow.shallow, true);
  assert.equal(shallow.index.size, 1);
  assert.match(shallow.note ?? "", /shallow clone: history has only the 1 commits fetched/);

  const empty = GitRepo.init();
  cleanups.push(() => empty.cleanup());
  const none = await openHistory({ workTree: empty.root });
  assert.deepEqual(none.ok ? undefined : [none.code, none.reason], ["no-commits", "the repository has no commits yet"]);

  const plain = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-nogit-"));
  cleanups.push(() => fs.rmSync(plain, { recursive: true, force: true }));
  assert.deepEqual(await locateRepository(plain), { reason: "not a git repository" });

  const savedPath = process.env.PATH;
  process.env.PATH = plain;
  try {
    const noGit = await openHistory({ workTree: repo.root });
    assert.deepEqual(noGit.ok ? undefined : [noGit.code, noGit.reason], [
      "no-git",
      "git is not installed (not found on PATH)",
    ]);
  } finally {
    process.env.PATH = savedPath;
  }
});

test("a corrupt history cache is reported, read again from git and replaced", async () => {
  const { repo } = shopRepo();
  const cacheFile = tmpFile("h.bin");
  fs.writeFileSync(cacheFile, "not a cache at all");
  const logs: string[] = [];
  const r = ok(await openHistory({ workTree: repo.root }, { cacheFile, log: (l) => logs.push(l) }));
  assert.equal(r.mined, 3);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /history cache .* rejected \(.*\); reading history again/);
  // The replaced cache is trusted next time: nothing is mined again.
  const again = ok(await openHistory({ workTree: repo.root }, { cacheFile, log: (l) => logs.push(l) }));
  assert.equal(again.mined, 0);
  assert.equal(logs.length, 1);
});

test("cancelling keeps what was read", async () => {
  const { repo } = shopRepo();
  const abort = new AbortController();
  abort.abort();
  const r = await openHistory({ workTree: repo.root }, { signal: abort.signal, cacheFile: tmpFile("h.bin") });
  assert.ok(!r.ok && r.code === "cancelled", JSON.stringify(r));
});

test("a 'Recent history' section lists the commits that touched the shown spans, citable as [C1]", async () => {
  const { repo, fixVat } = shopRepo();
  const r = ok(await openHistory({ workTree: repo.root }, { cacheFile: tmpFile("h.bin") }));
  const index = indexFor(repo.root);
  await index.build();
  const engine = new ContextEngine(index);
  cleanups.push(() => (engine.dispose(), index.dispose()));
  engine.useHistory(r.index);
  // Asked about how the code came to be: the section is there without asking for it.
  const pack = engine.build("Which commit introduced the VAT exemption in levy?", { budget: 2000 });
  assert.ok(pack.tokens <= 2000);
  const vat = pack.commits?.find((c) => c.commit === fixVat);
  assert.ok(vat, JSON.stringify(pack.commits));
  assert.deepEqual(vat.symbols, ["levy"]);
  assert.match(
    pack.text,
    new RegExp(
      `# Recent history\\n(.*\\n)*\\[${vat.id}\\] ${fixVat.slice(0, 7)} 2020-\\d\\d-\\d\\d Fix VAT rounding for zero-rated goods \\(touched levy\\)\\n`,
    ),
  );
  assert.ok((pack.sections.history ?? 0) > 0);
  const cited = citationsOf(`It was [${vat.id}], see [S1] and [C9].`, pack);
  assert.deepEqual(
    cited.map((c) => [c.text, c.valid, c.commit?.id]),
    [
      [`[${vat.id}]`, true, fixVat],
      ["[S1]", true, undefined],
      ["[C9]", false, undefined],
    ],
  );
  assert.equal(cited[2]!.reason, "C9 was not in the context");
  // The inspector says what history the ranking had and lists the section's commits.
  const counter = engine.counter();
  const model = inspectorModel(pack, buildPrompt(pack.question, pack, [], 0, counter), {
    dryRun: true,
    linesOf: (f) => engine.retrievalIndex!.lines.get(f),
    count: (t) => counter.count(t),
  });
  assert.equal(model.history, "3 commits");
  assert.deepEqual(
    model.commits?.find((c) => c.short === fixVat.slice(0, 7)),
    {
      id: vat.id,
      short: fixVat.slice(0, 7),
      date: vat.date,
      subject: "Fix VAT rounding for zero-rated goods",
      symbols: ["levy"],
    },
  );
  // A question about behaviour does not pay for the section; Explain-style callers can ask for it.
  const plain = engine.build("How is VAT computed for exempt goods?", { budget: 2000 });
  assert.equal(plain.commits, undefined);
  assert.doesNotMatch(plain.text, /# Recent history/);
  const asked = engine.build("How is VAT computed for exempt goods?", { budget: 2000, recentHistory: true });
  assert.ok(asked.commits && asked.commits.length > 0);
});

test("a host that cannot watch .git catches up when HEAD has moved (refreshIfMoved)", async () => {
  const { repo } = shopRepo();
  const seen: number[] = [];
  const follower = new HistoryFollower({ workTree: repo.root, cacheDir: path.dirname(tmpFile("h.bin")) });
  cleanups.push(() => follower.dispose());
  follower.attach({ useHistory: (h) => seen.push("unavailable" in h ? -1 : h.size) });
  await follower.refresh();
  assert.equal(seen.at(-1), 3);
  await follower.refreshIfMoved();
  assert.equal(seen.at(-1), 3, "HEAD has not moved: nothing is read");
  repo.write("shop/ship.py", "def parcel_cost(kg):\n    return 5 + kg\n");
  repo.commit("Charge parcels by weight");
  // HEAD is checked at most every couple of seconds.
  await new Promise((r) => setTimeout(r, 2100));
  await follower.refreshIfMoved();
  assert.equal(seen.at(-1), 4, "the new commit is in the history");
  assert.match(follower.current.state === "ready" ? follower.current.line : "", /history: 4 commits/);
});
