/**
 * `npm run test:e2e`: drives a real VS Code (code-server) with Threadline
 * installed from its .vsix, the way a person does, in Debian's chromium.
 * Screenshots of each step go to test-results/e2e/.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type Frame, type Page, chromium } from "playwright-core";
import { writeFixture } from "../helpers/fixture";
import { startTestServer, type TestServer } from "../helpers/openai-server";
import { makeTestModel, writeGguf } from "../helpers/test-model";
import { type CodeServer, missingTools, packageProbe, startCodeServer } from "./code-server";

const SHOTS = path.resolve("test-results", "e2e");

const WORKSPACE = `
//- app/main.py
from app.cart import checkout


def run(cart):
    total = checkout(cart)
    print(total)
//- app/cart.py
from app.pricing import apply_tax, price_of


def checkout(cart):
    """Price the cart and add tax."""
    price = price_of(cart)
    return apply_tax(price)
//- app/pricing.py
def price_of(cart):
    return sum(item.price for item in cart.items)


def apply_tax(amount):
    return amount * 1.19
//- web/client.ts
export async function checkoutCart(id: string): Promise<number> {
  const res = await fetch(\`/api/checkout/\${id}\`);
  return res.json();
}
//- tools/deploy.sh
deploy() {
  echo deploying
}
`;
const FILES = 5;

const ANSWER =
  "Checkout prices the cart with `price_of` and then adds tax (app/cart.py:4-7). " +
  "Tax is 19% (app/pricing.py:5-6). It is not in [S99].";
const EXPLAIN =
  "1. `run` calls it (app/main.py:4-6).\n2. `checkout` prices and taxes the cart (app/cart.py:4-7).\n" +
  "3. The price comes from `price_of` and tax from `apply_tax` (app/pricing.py:1-6).";

type Scenario = { name: string; run: () => Promise<void> };

async function main(): Promise<number> {
  const missing = missingTools();
  if (missing) {
    console.log(`e2e: cannot run: ${missing}`);
    return 1;
  }
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const fx = writeFixture(WORKSPACE);
  const server: TestServer = await startTestServer(ANSWER, (q) => {
    if (q.includes("#slow"))
      return {
        behaviour: "slow",
        answer:
          "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty",
      };
    if (q.includes("#401")) return { behaviour: "401" };
    if (q.startsWith("Explain step by step")) return { behaviour: "ok", answer: EXPLAIN };
    return { behaviour: "ok" };
  });
  // A small local model whose layer 2, head 1 is a planted exact-match head: calibration must find it.
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-e2e-model-"));
  const modelFile = path.join(modelDir, "planted.gguf");
  writeGguf(modelFile, makeTestModel({ layers: 4, planted: { layer: 2, head: 1 } }), "Q8_0");
  const probeOut = path.join(modelDir, "probe.json");
  const code = await startCodeServer(
    fx.root,
    {
      "workbench.colorTheme": "Default Dark Modern",
      "security.workspace.trust.enabled": false,
      "workbench.startupEditor": "none",
      "telemetry.telemetryLevel": "off",
      "update.mode": "none",
      "extensions.autoCheckUpdates": false,
      "workbench.tips.enabled": false,
      "chat.disableAIFeatures": true,
      "threadline.chat.baseUrl": server.baseUrl,
      "threadline.chat.model": "auto",
      "threadline.localModel.path": modelFile,
      "threadline.localModel.layers": 4,
      "threadline.localModel.heads": 1,
      "threadlineProbe.out": probeOut,
    },
    [packageProbe(modelDir)],
  );
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  let passed = 0;
  let failed = 0;
  try {
    await page.goto(code.url);
    await page.waitForSelector(".monaco-workbench", { timeout: 90_000 });
    // E2E_ONLY=<text> runs just the scenarios whose name contains it (for working on one).
    const only = process.env.E2E_ONLY;
    for (const scenario of scenarios(page, code, server, probeOut).filter((s) => !only || s.name.includes(only))) {
      // A real UI has timing noise (notifications, focus); a scenario gets one more try, and says so.
      for (let attempt = 1; attempt <= 2; attempt++) {
        const started = Date.now();
        try {
          await page.keyboard.press("Escape");
          await scenario.run();
          passed++;
          console.log(
            `✔ ${scenario.name} (${Date.now() - started} ms${attempt > 1 ? ", passed on its second try" : ""})`,
          );
          break;
        } catch (e) {
          await shot(page, `FAILED-${attempt}-${scenario.name}`);
          copyLogs(code.userData);
          console.log(
            `✖ ${scenario.name}${attempt === 1 ? " (will try once more)" : ""}\n  ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
          );
          if (attempt === 2) failed++;
        }
      }
    }
  } finally {
    await browser.close();
    await code.stop();
    await server.close();
    fx.cleanup();
    fs.rmSync(modelDir, { recursive: true, force: true });
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function scenarios(page: Page, code: CodeServer, server: TestServer, probeOut: string): Scenario[] {
  return [
    {
      name: "activates, indexes the workspace, and the status bar shows the count",
      run: async () => {
        await page
          .getByRole("button", { name: /Threadline \d+ files/ })
          .or(page.locator(".statusbar-item", { hasText: `Threadline ${FILES} files` }))
          .first()
          .waitFor({ timeout: 60_000 });
        const text = await page.locator(".statusbar-item", { hasText: "Threadline" }).first().innerText();
        assert.match(text, new RegExp(`Threadline ${FILES} files`));
        await shot(page, "01-status-bar");
      },
    },
    {
      name: "asks in the sidebar: the answer streams, chips appear, a click opens the cited lines",
      run: async () => {
        await page.locator('.activitybar [aria-label="Threadline"]').first().click();
        const chat = await webviewFrame(page, "vscode-textarea");
        await chat.locator("vscode-textarea").click();
        await page.keyboard.type("How does checkout compute the total?");
        await page.keyboard.press("Enter");
        await chat.locator(".chip.valid").first().waitFor({ timeout: 30_000 });
        assert.equal(await chat.locator(".chip.valid").count(), 2);
        assert.match(await chat.locator(".turn .footer").last().innerText(), /context: \d+ spans · \d+ tokens/);
        await shot(page, "02-answer-with-chips");
        await chat.locator(".chip.valid", { hasText: "cart.py:4-7" }).click();
        await page.locator(".tab.active", { hasText: "cart.py" }).waitFor({ timeout: 15_000 });
        const selection = await page
          .locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ })
          .first()
          .innerText();
        assert.match(selection, /\(\d+ selected\)|lines? selected/, selection);
        await shot(page, "03-citation-opened");
      },
    },
    {
      name: "an invalid citation is shown as unverified",
      run: async () => {
        const chat = await webviewFrame(page, "vscode-textarea");
        const bad = chat.locator(".chip.invalid").last();
        assert.equal((await bad.innerText()).trim(), "[S99]");
        assert.match((await bad.getAttribute("title")) ?? "", /Unverified citation: S99 was not in the context/);
      },
    },
    {
      name: "Explain Across Files from the editor's context menu cites all three files",
      run: async () => {
        await page.locator(".tab", { hasText: "cart.py" }).first().click();
        const word = page.locator(".view-lines .view-line span", { hasText: /^checkout$/ }).first();
        // Monaco's cursor layer sits over the text, so the clicks go to the word's position.
        await word.click({ force: true });
        await word.click({ button: "right", force: true });
        // The menu animates in: wait for the item, point at it, click; if the menu is still open, Enter picks it.
        const item = page.locator(".context-view .action-label", { hasText: "Explain Across Files" });
        await item.waitFor({ timeout: 10_000 });
        await item.hover();
        await item.click();
        await page.waitForTimeout(500);
        if (await item.isVisible()) await page.keyboard.press("Enter");
        const chat = await webviewFrame(page, "vscode-textarea");
        const turn = chat.locator(".turn").last();
        await turn.locator(".chip.valid").nth(2).waitFor({ timeout: 30_000 });
        const chips = await turn.locator(".chip.valid").allInnerTexts();
        for (const file of ["main.py", "cart.py", "pricing.py"])
          assert.ok(
            chips.some((c) => c.includes(file)),
            `${file} cited: ${chips.join(", ")}`,
          );
        await shot(page, "04-explain-across-files");
      },
    },
    {
      name: "the context inspector opens from an answer and lists the spans and the token total",
      run: async () => {
        const chat = await webviewFrame(page, "vscode-textarea");
        await chat.locator(".turn .footer a.inspect").last().click();
        const inspector = await webviewFrame(page, "h1");
        await inspector.locator("h2", { hasText: /Spans \(\d+\)/ }).waitFor({ timeout: 15_000 });
        const total = await inspector.locator("table").first().locator("tr", { hasText: "total" }).innerText();
        assert.match(total, /total\s+\d+\s+100%/);
        assert.ok((await inspector.locator("a.loc").count()) > 0);
        await shot(page, "05-inspector");
      },
    },
    {
      name: "Stop during streaming really stops; a 401 shows the actionable message",
      run: async () => {
        await runCommand(page, "Threadline: Focus on Chat View");
        const chat = await webviewFrame(page, "vscode-textarea");
        const abortedBefore = server.aborted;
        await chat.locator("vscode-textarea").click();
        await page.keyboard.type("Tell me slowly #slow");
        await page.keyboard.press("Enter");
        await chat.locator(".turn").last().locator(".answer.streaming").waitFor({ timeout: 15_000 });
        await chat.locator("vscode-button", { hasText: "Stop" }).click();
        await chat.locator(".turn").last().locator(".notice", { hasText: "Stopped." }).waitFor({ timeout: 10_000 });
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(server.aborted, abortedBefore + 1, "the endpoint saw the request end early");
        await chat.locator("vscode-textarea").click();
        await page.keyboard.type("Anything #401");
        await page.keyboard.press("Enter");
        const error = chat.locator(".turn").last().locator(".error");
        await error.waitFor({ timeout: 15_000 });
        assert.match(await error.innerText(), /rejected the API key \(401\)\. Run "Threadline: Set API Key"/);
        await shot(page, "06-stop-and-401-dark");
        await runCommand(page, "Preferences: Color Theme");
        await page.locator(".quick-input-widget input").fill("Light Modern");
        await pick(page, "Light Modern");
        await page.locator(".monaco-workbench.vs").waitFor({ timeout: 15_000 });
        await new Promise((r) => setTimeout(r, 800));
        await shot(page, "07-chat-light");
      },
    },
    {
      name: "Calibrate Local Model finds the planted evaluator head, and a preview names the model scorer",
      run: async () => {
        await runCommand(page, "Threadline: Calibrate Local Model");
        await page
          .locator(".notification-toast", { hasText: "evaluator heads: layer 2, heads 1" })
          .first()
          .waitFor({ timeout: 60_000 });
        await shot(page, "08-calibrated");
        await runCommand(page, "Threadline: Preview Context for Question…");
        const input = page.locator(".quick-input-widget input");
        await input.fill("How is tax applied at checkout?");
        await page.keyboard.press("Enter");
        const inspector = await webviewFrame(page, "p.facts");
        await inspector
          .locator("p.facts", { hasText: "scorer: local model planted.gguf, layer 2, heads 1" })
          .waitFor({ timeout: 30_000 });
        await shot(page, "09-preview-model-scorer");
      },
    },
    {
      name: "agents in VS Code: vscode.lm.tools lists Threadline's tools, invokeTool returns the package, @threadline is registered",
      run: async () => {
        fs.rmSync(probeOut, { force: true });
        await runCommand(page, "Threadline Probe: Invoke Language-Model Tools");
        const deadline = Date.now() + 30_000;
        while (!fs.existsSync(probeOut) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
        const seen = JSON.parse(fs.readFileSync(probeOut, "utf8")) as { tools: { name: string }[]; text: string };
        assert.deepEqual(seen.tools.map((t) => t.name).sort(), ["threadline_context", "threadline_explain"]);
        assert.match(seen.text, /^Repository context for: How is tax applied at checkout\?/);
        assert.match(seen.text, /packageId: p_[0-9a-f]{12} \(\d+\/2000 o200k_base tokens, \d+ spans\)/);
        assert.match(seen.text, /\[S\d+\] app\/pricing\.py:\d+-\d+ \(apply_tax\)/);
        assert.match(seen.text, /return amount \* 1\.19/);
        await page.locator(".tab.active", { hasText: "Untitled" }).waitFor({ timeout: 10_000 });
        await shot(page, "10-lm-tools-invoked");
        const logs = threadlineLogs(code.userData);
        assert.match(
          logs,
          /agent doors: language-model tools threadline_context, threadline_explain; chat participant @threadline/,
        );
      },
    },
  ];
}

/** Runs a command from the command palette, as a person would: type, then pick the exact entry. */
async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  await pick(page, label);
}

/** Clicks the quick-pick row whose label is exactly `label`. */
async function pick(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const row = page
    .locator(".quick-input-list .monaco-list-row")
    .filter({ has: page.locator(".label-name", { hasText: exact }) })
    .first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
}

/** The frame of a webview that contains `selector`: webview content lives in nested iframes. */
async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (frame === page.mainFrame()) continue;
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no webview frame with ${selector}`);
}

/** Everything Threadline's output channel wrote in this run. */
function threadlineLogs(userData: string): string {
  const logs = path.join(userData, "logs");
  let text = "";
  for (const entry of fs.readdirSync(logs, { recursive: true, withFileTypes: true }))
    if (entry.isFile() && /Threadline/.test(entry.name))
      text += fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8");
  return text;
}

/** Keeps the extension host's and Threadline's logs of a failed run next to its screenshots. */
function copyLogs(userData: string): void {
  const logs = path.join(userData, "logs");
  if (!fs.existsSync(logs)) return;
  for (const entry of fs.readdirSync(logs, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/Threadline|exthost/i.test(entry.name)) continue;
    const from = path.join(entry.parentPath, entry.name);
    fs.mkdirSync(path.join(SHOTS, "logs"), { recursive: true });
    fs.copyFileSync(from, path.join(SHOTS, "logs", path.relative(logs, from).replace(/[\\/]/g, "_")));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    console.log("e2e: 0 passed, 1 failed");
    process.exit(1);
  },
);
