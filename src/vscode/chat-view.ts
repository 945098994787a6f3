import * as vscode from "vscode";
import type { Envelope, HostToWebview, IndexStatusDto, WebviewToHost } from "../protocol/messages";
import { Commands } from "./ids";
import { makeNonce, webviewHtml } from "./webview-html";

/** The sidebar view. It shows the index state; the chat itself talks through the same protocol. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private lastStatus: IndexStatusDto | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, "dist", "webview");
    view.webview.options = { enableScripts: true, localResourceRoots: [dist] };
    view.webview.html = webviewHtml({
      cspSource: view.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, "chat.js")).toString(),
      title: "Threadline",
    });
    this.disposables.push(
      view.webview.onDidReceiveMessage((msg: Envelope<WebviewToHost>) => {
        if (msg.type === "webview/ready" && this.lastStatus)
          this.post({ type: "index/status", payload: this.lastStatus });
        if (msg.type === "index/rebuild") void vscode.commands.executeCommand(Commands.rebuildIndex);
      }),
      view.onDidDispose(() => (this.view = undefined)),
    );
  }

  showStatus(status: IndexStatusDto): void {
    this.lastStatus = status;
    this.post({ type: "index/status", payload: status });
  }

  private post(msg: Envelope<HostToWebview>): void {
    void this.view?.webview.postMessage(msg);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
