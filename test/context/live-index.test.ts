import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { deserialize as v8deserialize, serialize as v8serialize } from "node:v8";
import fc from "fast-check";
import { ContextEngine } from "../../src/core/context/context-engine";
import { loadRetrieval } from "../../src/core/context/retrieval-cache";
import { TiktokenEncoder } from "../../src/core/context/token-counter";
import { WorkerEncoder } from "../../src/core/context/worker-encoder";
import type { RetrievalDump } from "../../src/core/context/retrieval-index";
import type { ContextPackage } from "../../src/core/context/types";
import { SHOP } from "../helpers/context";
import { writeFixture } from "../helpers/fixture";
import { indexFor } from "../helpers/index";

/**
 * The live retrieval index must give, after any sequence of edits, creates,
 * deletes and renames, exactly the package a fresh build on the same files
 * gives. fast-check generates the sequences and shrinks a failure to the
 * shortest one.
 */

/** The shop fixture plus a TypeScript cart with a definition of its own that another file calls. */
const BASE = `${SHOP}
//- web/cart.ts
import { roundCents } from "./money";

export class Cart {
  items: number[] = [];
  add(price: number): void {
    this.items.push(price);
  }
  total(): number {
    return roundCents(this.items.reduce((a, b) => a + b, 0));
  }
}
//- web/money.ts
export function roundCents(value: number): number {
  return Math.round(value * 100) / 100;
}
`;

const QUESTIONS = [
  "How are refunds computed? restocking fee",
  "where is round_cents called",
  "Cart total roundCents",
  "what does load_order return",
];

const NAMES = [
  "round_cents",
  "load_order",
  "restocking_fee",
  "compute_refund",
  "format_money",
  "shipping_cost",
  "Order",
];
const WORDS = ["refund", "total", "fee", "order", "cents", "tax", "cart", "price", "electronics", "books"];

type Op =
  | { kind: "addFunction"; file: number; name: string; calls: string; word: string }
  | { kind: "editLine"; file: number; at: number; word: string }
  | { kind: "insertBlank"; file: number; at: number }
  | { kind: "deleteLine"; file: number; at: number }
  | { kind: "renameName"; file: number; from: string; to: string }
  | { kind: "create"; dir: string; name: string; calls: string; word: string }
  | { kind: "delete"; file: number }
  | { kind: "move"; file: number; to: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant("addFunction" as const),
    file: fc.nat(),
    name: fc.constantFrom("helper", "compute_total", "Cart", "refund_policy", "apply"),
    calls: fc.constantFrom(...NAMES),
    word: fc.constantFrom(...WORDS),
  }),
  fc.record({ kind: fc.constant("editLine" as const), file: fc.nat(), at: fc.nat(), word: fc.constantFrom(...WORDS) }),
  fc.record({ kind: fc.constant("insertBlank" as const), file: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant("deleteLine" as const), file: fc.nat(), at: fc.nat() }),
  fc.record({
    kind: fc.constant("renameName" as const),
    file: fc.nat(),
    from: fc.constantFrom(...NAMES),
    to: fc.constantFrom("round_cents_v2", "fetch_order", "fee_for", "Order2"),
  }),
  fc.record({
    kind: fc.constant("create" as const),
    dir: fc.constantFrom("shop", "web", "shop/sub", "aaa"),
    name: fc.constantFrom("extra", "policy", "zeta", "a_first"),
    calls: fc.constantFrom(...NAMES),
    word: fc.constantFrom(...WORDS),
  }),
  fc.record({ kind: fc.constant("delete" as const), file: fc.nat() }),
  fc.record({ kind: fc.constant("move" as const), file: fc.nat(), to: fc.constantFrom("moved", "shop/old", "zz") }),
);

/** Applies one operation to the files on disk; returns the absolute paths it touched. */
function apply(root: string, op: Op): string[] {
  const files = listFiles(root);
  const pick = (n: number) => files[n % files.length];
  const lines = (rel: string) => fs.readFileSync(path.join(root, rel), "utf8").split("\n");
  const write = (rel: string, body: string[]) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), body.join("\n"));
    return path.join(root, rel);
  };
  switch (op.kind) {
    case "addFunction": {
      const rel = pick(op.file);
      if (!rel) return [];
      const body = rel.endsWith(".ts")
        ? [`export function ${op.name}(x: number) {`, `  // ${op.word}`, `  return ${op.calls}(x);`, `}`]
        : [`def ${op.name}(x):`, `    # ${op.word}`, `    return ${op.calls}(x)`];
      return [write(rel, [...lines(rel), "", ...body, ""])];
    }
    case "editLine": {
      const rel = pick(op.file);
      if (!rel) return [];
      const l = lines(rel);
      const at = op.at % l.length;
      l[at] = l[at] + ` # ${op.word}`;
      return [write(rel, l)];
    }
    case "insertBlank": {
      const rel = pick(op.file);
      if (!rel) return [];
      const l = lines(rel);
      l.splice(op.at % (l.length + 1), 0, "");
      return [write(rel, l)];
    }
    case "deleteLine": {
      const rel = pick(op.file);
      if (!rel) return [];
      const l = lines(rel);
      l.splice(op.at % l.length, 1);
      return [write(rel, l)];
    }
    case "renameName": {
      const rel = pick(op.file);
      if (!rel) return [];
      return [
        write(
          rel,
          lines(rel).map((s) => s.split(op.from).join(op.to)),
        ),
      ];
    }
    case "create": {
      const rel = `${op.dir}/${op.name}.py`;
      return [write(rel, [`def ${op.name}_${op.word}(order):`, `    return ${op.calls}(order)  # ${op.word}`, ""])];
    }
    case "delete": {
      const rel = pick(op.file);
      if (!rel) return [];
      fs.rmSync(path.join(root, rel));
      return [path.join(root, rel)];
    }
    case "move": {
      const rel = pick(op.file);
      if (!rel) return [];
      const to = `${op.to}/${path.basename(rel)}`;
      if (to === rel || fs.existsSync(path.join(root, to))) return [];
      fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
      fs.renameSync(path.join(root, rel), path.join(root, to));
      return [path.join(root, rel), path.join(root, to)];
    }
  }
}

function listFiles(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map((p) => p.split(path.sep).join("/"))
    .filter((p) => fs.statSync(path.join(root, p)).isFile())
    .sort();
}

/** A package as a user sees it: everything but the timings. */
function comparable(pack: ContextPackage): string {
  return JSON.stringify({ ...pack, stats: { ...pack.stats, ms: {} } });
}

async function packagesOfFreshBuild(root: string, budget: number): Promise<string[]> {
  const index = indexFor(root);
  await index.build();
  const engine = new ContextEngine(index);
  try {
    return QUESTIONS.map((q) => comparable(engine.build(q, { budget })));
  } finally {
    engine.dispose();
    index.dispose();
  }
}

test("after any sequence of edits, creates, deletes and renames, the live index (and the same index persisted and restored) gives a fresh build's packages", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({ op: opArb, askNow: fc.boolean() }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(600, 2000),
      opArb,
      async (steps, budget, whileClosed) => {
        const fx = writeFixture(BASE);
        const cacheFile = path.join(fx.root, "..", `${path.basename(fx.root)}.retrieval.bin`);
        const index = indexFor(fx.root);
        await index.build();
        const engine = new ContextEngine(index, { cacheFile });
        try {
          engine.build(QUESTIONS[0]!, { budget });
          for (const [i, step] of steps.entries()) {
            await index.update(apply(fx.root, step.op));
            // Some steps are asked about at once, others pile up into one sync.
            if (!step.askNow && i < steps.length - 1) continue;
            const live = QUESTIONS.map((q) => comparable(engine.build(q, { budget })));
            assert.deepEqual(live, await packagesOfFreshBuild(fx.root, budget));
          }
          assert.equal(engine.counts.builds, 1, "the retrieval index was built once and then synced");
          // Persisted, changed once more while "closed", restored: still a fresh build's packages.
          await engine.save();
          apply(fx.root, whileClosed);
          const reopened = indexFor(fx.root);
          await reopened.build();
          const restored = new ContextEngine(reopened, { cacheFile });
          try {
            const packs = QUESTIONS.map((q) => comparable(restored.build(q, { budget })));
            assert.equal(restored.counts.restores, 1);
            assert.deepEqual(packs, await packagesOfFreshBuild(fx.root, budget));
          } finally {
            restored.dispose();
            reopened.dispose();
          }
        } finally {
          engine.dispose();
          index.dispose();
          fx.cleanup();
          fs.rmSync(cacheFile, { force: true });
        }
      },
    ),
    { numRuns: 20, seed: 20261201 },
  );
});

test("a synced edit touches only the edited file and the files that name what it added or removed", async () => {
  const fx = writeFixture(BASE);
  const index = indexFor(fx.root);
  await index.build();
  const engine = new ContextEngine(index);
  try {
    engine.prepare();
    // A body edit keeps every definition: only the file itself is relinked.
    const money = path.join(fx.root, "shop/money.py");
    fs.appendFileSync(money, "\n# rounding is half-even\n");
    await index.update([money]);
    engine.prepare();
    assert.deepEqual(engine.counts.lastSync, { added: 0, changed: 1, removed: 0, relinked: 1, units: 1 });
    // Renaming round_cents changes a definition: refunds.py, which calls it, is relinked too.
    fs.writeFileSync(money, fs.readFileSync(money, "utf8").replace("def round_cents", "def round_money"));
    await index.update([money]);
    engine.prepare();
    assert.deepEqual(engine.counts.lastSync, { added: 0, changed: 1, removed: 0, relinked: 2, units: 1 });
    assert.equal(engine.counts.builds, 1);
    assert.equal(engine.counts.syncs, 2);
    const pack = engine.build("round_money", { budget: 2000 });
    assert.ok(pack.spans.some((s) => s.symbol === "round_money"));
  } finally {
    engine.dispose();
    index.dispose();
    fx.cleanup();
  }
});

/** Builds the workspace's retrieval index and persists it to `cacheFile`, as a session that then closes would. */
async function persistRetrieval(root: string, cacheFile: string): Promise<void> {
  const index = indexFor(root);
  const engine = new ContextEngine(index, { cacheFile });
  // Nothing persisted yet, so a cold build: the encoder waits for the warm-up, on this thread.
  if (!fs.existsSync(cacheFile)) {
    engine.preload();
    assert.ok(engine.counter().counting instanceof TiktokenEncoder);
  }
  await index.build();
  engine.prepare();
  await engine.save();
  engine.dispose();
  index.dispose();
}

/**
 * Opens the workspace with `cacheFile` as it is now: the persisted index must not be trusted but
 * rebuilt, the log must say why (`reason`), and the package must be a fresh build's. `then` runs
 * on the engine before it is disposed.
 */
async function assertRebuilt(
  root: string,
  cacheFile: string,
  reason: RegExp,
  then?: (engine: ContextEngine) => Promise<void>,
): Promise<void> {
  const index = indexFor(root);
  await index.build();
  const lines: string[] = [];
  const engine = new ContextEngine(index, { cacheFile, log: (l) => lines.push(l) });
  try {
    const pack = engine.build(QUESTIONS[0]!, { budget: 2000 });
    assert.equal(engine.counts.builds, 1);
    assert.equal(engine.counts.restores, 0);
    assert.match(lines.join("\n"), reason);
    assert.match(lines.join("\n"), /rebuilding it/);
    assert.deepEqual(comparable(pack), (await packagesOfFreshBuild(root, 2000))[0]);
    await then?.(engine);
  } finally {
    engine.dispose();
    index.dispose();
  }
}

test("a persisted retrieval index comes back after a restart, edits made meanwhile included, and gives a fresh build's packages", async () => {
  const fx = writeFixture(BASE);
  const cacheFile = path.join(fx.root, ".cache", "retrieval.bin");
  try {
    await persistRetrieval(fx.root, cacheFile);
    assert.ok(fs.existsSync(cacheFile));
    // A loaded dump's arrays own their memory: a view kept by the index would keep the whole file's bytes alive.
    const loaded = loadRetrieval(cacheFile);
    assert.equal(loaded.kind, "loaded");
    const views: string[] = [];
    let arrays = 0;
    const walk = (key: string, v: unknown): void => {
      // Small copies may share Node's 8 KB allocation pool, which is harmless.
      if (ArrayBuffer.isView(v) && v.buffer.byteLength > Math.max(v.byteLength, 8192))
        views.push(`${key}: ${v.byteLength} of ${v.buffer.byteLength} bytes`);
      else if (ArrayBuffer.isView(v)) arrays++;
      else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) walk(`${key}.${k}`, x);
    };
    walk("dump", loaded.kind === "loaded" ? loaded.dump : undefined);
    assert.deepEqual(views, []);
    assert.ok(arrays > 20);
    // While "closed": one file edited, one deleted, one created.
    fs.appendFileSync(
      path.join(fx.root, "shop/money.py"),
      "\n\ndef round_up(value):\n    return -round_cents(-value)\n",
    );
    fs.rmSync(path.join(fx.root, "web/money.ts"));
    fs.writeFileSync(
      path.join(fx.root, "shop/policy.py"),
      "def refund_policy(order):\n    return restocking_fee(order)\n",
    );
    const second = indexFor(fx.root);
    const restored = new ContextEngine(second, { cacheFile });
    // A warm start: the encoder loads on its worker while the index loads.
    restored.preload();
    await second.build();
    try {
      assert.ok(restored.counter().counting instanceof WorkerEncoder);
      const packs = QUESTIONS.map((q) => comparable(restored.build(q, { budget: 2000 })));
      assert.deepEqual(
        { ...restored.counts, lastSync: { ...restored.counts.lastSync!, relinked: 0 } },
        { builds: 0, syncs: 0, restores: 1, lastSync: { added: 1, changed: 1, removed: 1, relinked: 0, units: 2 } },
      );
      assert.deepEqual(packs, await packagesOfFreshBuild(fx.root, 2000));
      assert.equal((restored.counter().counting as WorkerEncoder).fellBack, undefined);
    } finally {
      restored.dispose();
      second.dispose();
    }
  } finally {
    fx.cleanup();
  }
});

test("a corrupt or foreign persisted retrieval index is rebuilt, never trusted, and the log says so", async () => {
  const fx = writeFixture(BASE);
  const cacheFile = path.join(fx.root, ".cache", "retrieval.bin");
  try {
    for (const [bytes, reason] of [
      [Buffer.from("not a cache at all"), /corrupt or truncated/],
      [v8serialize({ schema: 999 }), /schema 999/],
    ] as const) {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, bytes);
      await assertRebuilt(fx.root, cacheFile, reason, async (engine) => {
        await engine.save();
        assert.notDeepEqual(fs.readFileSync(cacheFile), bytes, "the rebuilt index replaced the bad file");
      });
    }
  } finally {
    fx.cleanup();
  }
});

test("a persisted index keeps every unit's name words and their stems; one whose name words lost their stems is rebuilt", async () => {
  const fx = writeFixture(BASE);
  const cacheFile = path.join(fx.root, ".cache", "retrieval.bin");
  try {
    await persistRetrieval(fx.root, cacheFile);
    const dump = v8deserialize(fs.readFileSync(cacheFile)) as RetrievalDump;
    // `compute_refund` splits into compute and refund: both kept as terms, both stemmed.
    assert.ok(dump.names.items.length > 0);
    const stems = dump.stems.split("\0");
    assert.ok(stems.includes("comput") && stems.includes("refund"), stems.join(" "));

    for (const [tampered, reason] of [
      [{ ...dump, stemTerms: new Uint32Array(0), stems: "" }, /has no stem/],
      [{ ...dump, names: undefined }, /name words are missing/],
      [{ ...dump, stems: dump.stems + "\0extra" }, /stems do not fit their terms/],
    ] as const) {
      fs.writeFileSync(cacheFile, v8serialize(tampered));
      await assertRebuilt(fx.root, cacheFile, reason);
    }
  } finally {
    fx.cleanup();
  }
});
