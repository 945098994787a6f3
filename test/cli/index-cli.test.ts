import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { writeFixture } from "../helpers/fixture";
import { startTestServer } from "../helpers/openai-server";
import { runCli } from "../helpers/cli";

// Runs the bundled CLI, as a user would: this also proves dist/ carries its grammars, queries and worker.
const cli = path.resolve("dist/cli.js");

test(
  "`threadline index --json` prints the stats of the bundled index",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const fx = writeFixture(`
//- src/app.py
def main():
    return helper()
//- src/util.py
def helper():
    return 1
//- .gitignore
out/
//- out/skip.py
x = 1
`);
    try {
      fx.write("data.py", Buffer.from([0, 1, 2, 3]));
      const run = spawnSync(process.execPath, [cli, "index", fx.root, "--json"], { encoding: "utf8" });
      assert.equal(run.status, 0, run.stderr);
      const stats = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(stats).sort(), [
        "files",
        "fromCache",
        "ms",
        "parseErrors",
        "references",
        "skipped",
        "symbols",
      ]);
      assert.equal(stats.files, 2);
      assert.equal(stats.symbols, 2);
      assert.equal(stats.references, 1);
      assert.equal(stats.skipped.binary, 1);
      assert.equal(stats.skipped.ignored, 1);
    } finally {
      fx.cleanup();
    }
  },
);

test(
  "the CLI explains bad usage with exit code 2",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const missing = spawnSync(process.execPath, [cli, "index", "/no/such/dir"], { encoding: "utf8" });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /not a directory: \/no\/such\/dir/);
    const unknown = spawnSync(process.execPath, [cli, "frobnicate"], { encoding: "utf8" });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  },
);

test(
  "`threadline context --format json` prints a package within the budget",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const fx = writeFixture(`
//- billing/refunds.py
def compute_refund(order):
    """Refund the total minus the restocking fee."""
    return order.total - restocking_fee(order)


def restocking_fee(order):
    return order.total * 0.15
//- billing/shipping.py
def shipping_cost(weight):
    return 5 + weight
`);
    try {
      const run = spawnSync(
        process.execPath,
        [
          cli,
          "context",
          "--repo",
          fx.root,
          "--question",
          "how is the refund computed?",
          "--budget",
          "300",
          "--format",
          "json",
        ],
        { encoding: "utf8" },
      );
      assert.equal(run.status, 0, run.stderr);
      const pack = JSON.parse(run.stdout);
      assert.equal(pack.encoding, "o200k_base");
      assert.ok(pack.tokens <= 300 && pack.tokens > 0);
      assert.deepEqual(pack.spans.find((s: { symbol?: string }) => s.symbol === "compute_refund")?.ranges, [[1, 5]]);
      assert.match(pack.text, /## billing\/refunds\.py\n\[S\d+\] compute_refund\n1 \| def compute_refund\(order\):/);
      const bad = spawnSync(process.execPath, [cli, "context", "--repo", fx.root, "--budget", "300"], {
        encoding: "utf8",
      });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--question or --question-file is required/);
    } finally {
      fx.cleanup();
    }
  },
);

test(
  "`threadline ask --format json` streams from the endpoint and returns checked citations",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  async () => {
    await withRefundAnswer(async (server, fx) => {
      const run = await runCli(
        [
          "ask",
          "--repo",
          fx.root,
          "--question",
          "how is the refund computed?",
          "--base-url",
          server.baseUrl,
          "--model",
          "ok",
          "--api-key-env",
          "TL_TEST_KEY",
          "--format",
          "json",
          "--budget",
          "400",
        ],
        { ...process.env, TL_TEST_KEY: "sk-from-env" },
      );
      assert.equal(run.status, 0, run.stderr);
      const body = JSON.parse(run.stdout);
      assert.equal(body.answer, "It subtracts the fee [S1] and see [S7].");
      assert.deepEqual(
        body.citations.map((c: { text: string; valid: boolean }) => [c.text, c.valid]),
        [
          ["[S1]", true],
          ["[S7]", false],
        ],
      );
      assert.equal(body.citations[0].file, "billing/refunds.py");
      assert.ok(body.context.tokens <= 400);
      assert.match(server.requests[0]!.messages.at(-1)!.content, /Question: how is the refund computed\?/);
    });
  },
);

test(
  "`threadline ask` text output lists each citation's path and lines, and marks the unverified ones",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  async () => {
    await withRefundAnswer(async (server, fx) => {
      const run = await runCli([
        "ask",
        "--repo",
        fx.root,
        "--question",
        "how is the refund computed?",
        "--base-url",
        server.baseUrl,
        "--model",
        "ok",
        "--budget",
        "400",
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(
        run.stdout,
        "It subtracts the fee [S1] and see [S7].\n\nSources:\n" +
          "  [S1]  billing/refunds.py:1-2 · compute_refund\n" +
          "  ⚠ [S7]  unverified: S7 was not in the context\n",
      );
    });
  },
);

test(
  "every command has --help with each flag and its default; --version; unknown flags are named",
  { skip: !fs.existsSync(cli) && "run `npm run build` first" },
  () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string };
    assert.equal(run("--version").stdout, `${pkg.version}\n`);
    for (const command of ["index", "context", "ask", "calibrate", "mcp"]) {
      const help = run(command, "--help");
      assert.equal(help.status, 0, command);
      assert.match(help.stdout, new RegExp(`^\\S.*\\n\\nusage: threadline ${command} `), command);
      assert.match(help.stdout, /\n  --help +Show this help\.\n$/);
    }
    const context = run("context", "--help").stdout;
    assert.match(context, /--budget <n> +Tokens of context\. \(default: 8000\)/);
    assert.match(context, /--encoding <name> +.*\(default: o200k_base\)/);
    assert.match(run("ask", "--help").stdout, /--api-key-env <VAR> +.*\(default: OPENAI_API_KEY\)/);
    assert.match(run("mcp", "--help").stdout, /--index-wait <ms> +.*\(default: 3000\)/);
    const bogus = run("context", "--repo", ".", "--bogus");
    assert.equal(bogus.status, 2);
    assert.equal(
      bogus.stderr,
      'threadline: unknown flag --bogus for "threadline context" (see threadline context --help)\n',
    );
    assert.match(run("index", "--json=yes", ".").stderr, /--json takes no value/);
    assert.match(run("context", "--repo").stderr, /--repo needs a value <dir>/);
  },
);

/** A one-function repository and a test endpoint that answers with one valid and one invalid citation. */
async function withRefundAnswer(
  run: (server: Awaited<ReturnType<typeof startTestServer>>, fx: ReturnType<typeof writeFixture>) => Promise<void>,
): Promise<void> {
  const server = await startTestServer("It subtracts the fee [S1] and see [S7].");
  const fx = writeFixture(`
//- billing/refunds.py
def compute_refund(order):
    return order.total - restocking_fee(order)
`);
  try {
    await run(server, fx);
  } finally {
    await server.close();
    fx.cleanup();
  }
}
