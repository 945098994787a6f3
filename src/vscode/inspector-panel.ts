import * as vscode from "vscode";
import { toMarkdown } from "../core/chat/inspector-model";
import type { Envelope, HostToInspector, InspectorModelDto, InspectorToHost } from "../protocol/messages";
import { loadPage, webviewRoot } from "./webview-page";

/**
 * The context inspector: an editor-area webview showing exactly what was sent
 * for one answer (or would be, for a dry run). One panel, reused.
 */
export class InspectorPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private model: InspectorModelDto | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolve: (file: string) => Promise<string | undefined>,
  ) {}

  show(model: InspectorModelDto): void {
    this.model = model;
    const title = model.dryRun ? "Threadline: Context Preview" : "Threadline: Context Sent";
    if (this.panel) {
      this.panel.title = title;
      this.panel.reveal(vscode.ViewColumn.Active);
      this.post({ type: "inspector/model", payload: model });
      return;
    }
    const panel = vscode.window.createWebviewPanel("threadline.inspector", title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot(this.extensionUri)],
      retainContextWhenHidden: true,
    });
    loadPage(panel.webview, this.extensionUri, "inspector", title);
    panel.webview.onDidReceiveMessage(
      (msg: Envelope<InspectorToHost>) => void this.receive(msg),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => (this.panel = undefined), undefined, this.disposables);
    this.panel = panel;
  }

  private async receive(msg: Envelope<InspectorToHost>): Promise<void> {
    const model = this.model;
    if (!model) return;
    switch (msg.type) {
      case "inspector/ready":
        this.post({ type: "inspector/model", payload: model });
        return;
      case "inspector/open": {
        const abs = await this.resolve(msg.payload.file);
        if (!abs) return;
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(abs));
        const end = Math.min(msg.payload.end - 1, doc.lineCount - 1);
        await vscode.window.showTextDocument(doc, {
          selection: new vscode.Range(msg.payload.start - 1, 0, end, doc.lineAt(end).text.length),
          viewColumn: vscode.ViewColumn.Beside,
        });
        return;
      }
      case "inspector/copyPrompt":
        await vscode.env.clipboard.writeText(model.messages.map((m) => `### ${m.role}\n\n${m.content}`).join("\n\n"));
        void vscode.window.showInformationMessage("Threadline: prompt copied.");
        return;
      case "inspector/export": {
        const json = msg.payload.format === "json";
        const target = await vscode.window.showSaveDialog({
          filters: json ? { JSON: ["json"] } : { Markdown: ["md"] },
          saveLabel: "Export request",
        });
        if (!target) return;
        const content = json ? JSON.stringify(model, null, 2) : toMarkdown(model);
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
        return;
      }
    }
  }

  private post(msg: Envelope<HostToInspector>): void {
    void this.panel?.webview.postMessage(msg);
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
