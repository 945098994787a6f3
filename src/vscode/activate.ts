import * as vscode from "vscode";
import { ChatViewProvider } from "./chat-view";
import { Commands, Views } from "./ids";
import { IndexService } from "./index-service";

/** Extension composition root: build the adapters, wire them to the core, register everything. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("Threadline", { log: true });
  const chatView = new ChatViewProvider(context.extensionUri);
  const indexService = new IndexService(context.storageUri, log, (status) => chatView.showStatus(status));
  context.subscriptions.push(
    log,
    chatView,
    indexService,
    vscode.window.registerWebviewViewProvider(Views.chat, chatView, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.commands.registerCommand(Commands.rebuildIndex, () => indexService.rebuild()),
    vscode.commands.registerCommand(Commands.showIndexDetails, () => indexService.showDetails()),
  );
  void indexService.rebuild();
}

export function deactivate(): void {}
