/** Runs inside VS Code (electron): the extension activates and contributes its commands. */
import assert from "node:assert/strict";
import * as vscode from "vscode";

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension("threadline.threadline");
  assert.ok(extension, "Threadline is installed");
  await extension.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ["threadline.rebuildIndex", "threadline.explainAcrossFiles", "threadline.showContext"]) {
    assert.ok(commands.includes(id), `${id} is registered`);
  }
}
