import * as vscode from "vscode";
import type { Envelope, HostToWebview, IndexStatusDto, WebviewToHost } from "../protocol/messages";
import type { ChatController } from "./chat-controller";
import { Commands } from "./ids";
import { loadPage, webviewRoot } from "./webview-page";

/** The sidebar chat: renders the webview and routes its messages to the controller. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private lastStatus: IndexStatusDto | undefined;
  private controller: ChatController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {}

  attach(controller: ChatController): void {
    this.controller = controller;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(this.extensionUri)] };
    loadPage(view.webview, this.extensionUri, "chat", "Threadline");
    this.disposables.push(
      view.webview.onDidReceiveMessage((msg: Envelope<WebviewToHost>) => void this.receive(msg)),
      view.onDidDispose(() => (this.view = undefined)),
    );
  }

  private async receive(msg: Envelope<WebviewToHost>): Promise<void> {
    const c = this.controller;
    switch (msg.type) {
      case "webview/ready":
        if (this.lastStatus) this.post({ type: "index/status", payload: this.lastStatus });
        await c?.sendState();
        return;
      case "index/rebuild":
        await vscode.commands.executeCommand(Commands.rebuildIndex);
        return;
      case "chat/ask":
        await c?.ask(msg.payload.question, { deep: !!msg.payload.deep });
        return;
      case "chat/stop":
        c?.stop();
        return;
      case "chat/new":
        c?.newChat();
        return;
      case "citation/open":
        await c?.openCitation(msg.payload.turnId, msg.payload.index);
        return;
      case "context/inspect":
        await vscode.commands.executeCommand(Commands.showContext, msg.payload.turnId);
        return;
      case "chat/retry":
        await c?.retry(msg.payload.turnId);
        return;
      case "endpoint/preset":
        await c?.applyPreset(msg.payload.id);
        return;
      case "endpoint/choose":
        await c?.chooseEndpoint();
        return;
      case "endpoint/chooseModel":
        await c?.chooseModel();
        return;
      case "settings/open":
        await vscode.commands.executeCommand("workbench.action.openSettings", "threadline.chat");
        return;
      case "workspace/trust":
        await vscode.commands.executeCommand("workbench.trust.manage");
        return;
      case "clipboard/copy":
        await c?.copy(msg.payload.text);
        return;
      case "editor/insert":
        await c?.insertAtCursor(msg.payload.text);
        return;
      case "endpoint/setKey":
        await c?.setApiKey();
        return;
    }
  }

  showStatus(status: IndexStatusDto): void {
    this.lastStatus = status;
    this.post({ type: "index/status", payload: status });
  }

  post(msg: Envelope<HostToWebview>): void {
    void this.view?.webview.postMessage(msg);
  }

  /** Brings the sidebar into view, e.g. before an Explain Across Files answer streams in. */
  async reveal(): Promise<void> {
    if (this.view) this.view.show(true);
    else await vscode.commands.executeCommand("threadline.chatView.focus");
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
