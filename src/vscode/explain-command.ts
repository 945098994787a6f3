import * as vscode from "vscode";
import { DEEP_FACTOR, pathExceedsBudget } from "../core/chat/chain";
import { explainInstruction } from "../core/chat/prompt";
import { SYMBOL_NAME, explainPackage } from "../core/context/explain";
import type { FocusLocation } from "../core/context/types";
import type { WorkspaceIndex } from "../core/index/workspace-index";
import type { ChatController } from "./chat-controller";
import type { ChatViewProvider } from "./chat-view";
import type { IndexService } from "./index-service";
import { Settings } from "./ids";

const PROVIDER_TIMEOUT_MS = 3000;

/**
 * "Explain Across Files": the symbol under the cursor (or the selection),
 * walked through its callers, definition and callees, from the index and from
 * the language server when there is one; answered in the chat like any question.
 */
export async function explainAcrossFiles(
  indexService: IndexService,
  chat: ChatController,
  view: ChatViewProvider,
): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("Threadline: put the cursor on a symbol to explain.");
    return;
  }
  const doc = editor.document;
  const name = editor.selection.isEmpty
    ? doc.getText(doc.getWordRangeAtPosition(editor.selection.active, SYMBOL_NAME))
    : doc.getText(editor.selection).trim();
  if (!name || !/^[A-Za-z_$][\w$.]*$/.test(name)) {
    void vscode.window.showInformationMessage(
      "Threadline: select a symbol name (a function, method or class) to explain.",
    );
    return;
  }
  const ready = await indexService.whenReady();
  if (!ready) return;
  const file = ready.index.toWorkspacePath(doc.uri.fsPath);
  const extra = await languageServerLocations(doc.uri, editor.selection.active, ready.index);
  const question = explainInstruction(name);
  const budget = vscode.workspace.getConfiguration().get<number>(Settings.contextBudget, 8000);
  // The symbol is the query: the instruction's own words ("explain", "files", "called") are not
  // the user's and would pull in whatever mentions them.
  const target = { name, file, line: editor.selection.active.line + 1 };
  const found = explainPackage(ready.engine, target, { budget, extra });
  if (!found) {
    void vscode.window.showInformationMessage(`Threadline: found no definition or use of "${name}" in the index.`);
    return;
  }
  await view.reveal();
  // When the call path's own code does not fit one budget, Deep Answer reads all of it in chunks.
  const wide = explainPackage(ready.engine, target, { budget: budget * DEEP_FACTOR, extra });
  if (wide && pathExceedsBudget(wide.pack, budget)) await chat.ask(question, { deep: true, pool: wide.pack });
  else await chat.ask(question, { pack: found.pack });
}

/** Definitions, references, implementations and calls from the language server, if one answers in time. */
async function languageServerLocations(
  uri: vscode.Uri,
  position: vscode.Position,
  index: WorkspaceIndex,
): Promise<FocusLocation[]> {
  const out: FocusLocation[] = [];
  const add = (loc: vscode.Location | vscode.LocationLink | undefined, role: FocusLocation["role"]) => {
    if (!loc) return;
    const target = "targetUri" in loc ? { uri: loc.targetUri, range: loc.targetRange } : loc;
    const file = index.toWorkspacePath(target.uri.fsPath);
    if (file) out.push({ file, line: target.range.start.line + 1, role });
  };
  const ask = <T>(command: string, ...args: unknown[]) =>
    Promise.race([
      Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).catch(() => undefined),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), PROVIDER_TIMEOUT_MS)),
    ]);
  const [defs, refs, impls, items] = await Promise.all([
    ask<(vscode.Location | vscode.LocationLink)[]>("vscode.executeDefinitionProvider", uri, position),
    ask<vscode.Location[]>("vscode.executeReferenceProvider", uri, position),
    ask<(vscode.Location | vscode.LocationLink)[]>("vscode.executeImplementationProvider", uri, position),
    ask<vscode.CallHierarchyItem[]>("vscode.prepareCallHierarchy", uri, position),
  ]);
  for (const d of defs ?? []) add(d, "definition");
  for (const r of (refs ?? []).slice(0, 20)) add(r, "reference");
  for (const i of impls ?? []) add(i, "implementation");
  const item = items?.[0];
  if (item) {
    const [incoming, outgoing] = await Promise.all([
      ask<vscode.CallHierarchyIncomingCall[]>("vscode.provideIncomingCalls", item),
      ask<vscode.CallHierarchyOutgoingCall[]>("vscode.provideOutgoingCalls", item),
    ]);
    for (const c of incoming ?? []) add(new vscode.Location(c.from.uri, c.from.range), "caller");
    for (const c of outgoing ?? []) add(new vscode.Location(c.to.uri, c.to.range), "callee");
  }
  return out;
}
