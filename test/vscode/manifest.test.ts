import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { TOOL_DESCRIPTIONS } from "../../src/core/agent-tools/descriptions";
import { ChatParticipants, Commands, LmTools, Settings, Views } from "../../src/vscode/ids";

const manifest = JSON.parse(fs.readFileSync("package.json", "utf8"));

test("every command ID is contributed, and every contributed command has an ID", () => {
  const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, Object.values(Commands).sort());
});

test("every setting ID is contributed, and the reverse", () => {
  assert.deepEqual(Object.keys(manifest.contributes.configuration.properties).sort(), Object.values(Settings).sort());
});

test("the chat view lives in Threadline's activity-bar container", () => {
  assert.deepEqual(
    manifest.contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id),
    [Views.container],
  );
  const views = manifest.contributes.views[Views.container];
  assert.deepEqual(views, [{ type: "webview", id: Views.chat, name: "Chat" }]);
});

test("activation is never '*'", () => {
  assert.ok(!manifest.activationEvents.includes("*"));
});

test("the language-model tools are contributed with the MCP server's descriptions, and #threadline", () => {
  const tools = manifest.contributes.languageModelTools as {
    name: string;
    modelDescription: string;
    toolReferenceName: string;
    canBeReferencedInPrompt: boolean;
    inputSchema: { required?: string[] };
  }[];
  assert.deepEqual(tools.map((t) => t.name).sort(), Object.values(LmTools).sort());
  const byName = new Map(tools.map((t) => [t.name, t]));
  assert.equal(byName.get(LmTools.context)!.modelDescription, TOOL_DESCRIPTIONS.context);
  assert.equal(byName.get(LmTools.explain)!.modelDescription, TOOL_DESCRIPTIONS.explain);
  assert.equal(byName.get(LmTools.context)!.toolReferenceName, "threadline");
  assert.deepEqual(byName.get(LmTools.context)!.inputSchema.required, ["question"]);
  for (const t of tools) assert.equal(t.canBeReferencedInPrompt, true);
});

test("@threadline is contributed with /explain, /context and /inspect", () => {
  const [participant] = manifest.contributes.chatParticipants;
  assert.equal(participant.id, ChatParticipants.threadline);
  assert.equal(participant.name, "threadline");
  assert.deepEqual(
    participant.commands.map((c: { name: string }) => c.name),
    ["explain", "context", "inspect"],
  );
});

test("the README's settings table lists every setting with its default", () => {
  const readme = fs.readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("## Settings"), readme.indexOf("## Benchmarks"));
  const rows = new Map(
    [...section.matchAll(/^\| `(threadline\.[\w.]+)` +\| `([^`]*)` +\|/gm)].map((m) => [m[1]!, m[2]!]),
  );
  const properties = manifest.contributes.configuration.properties as Record<string, { default: unknown }>;
  assert.deepEqual([...rows.keys()].sort(), Object.keys(properties).sort());
  for (const [key, p] of Object.entries(properties)) assert.equal(rows.get(key), JSON.stringify(p.default), key);
});
