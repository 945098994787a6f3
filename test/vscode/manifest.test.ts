import assert from "node:assert/strict";
import * as fs from "node:fs";
import { test } from "node:test";
import { Commands, Settings, Views } from "../../src/vscode/ids";

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
