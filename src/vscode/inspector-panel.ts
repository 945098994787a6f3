import * as vscode from "vscode";
import { toMarkdown } from "../core/chat/inspector-model";
import type { Envelope, HostToInspector, InspectorModelDto, InspectorToHost } from "../protocol/messages";
import { loadPage, webviewRoot } from "./webview-page";

/** One inspector tab: its webview and the request it shows. */
interface InspectorTab {
  panel: vscode.WebviewPanel;
  model: InspectorModelDto;
}

/** Open tabs beyond this close oldest first, so a long conversation does not pile up editors. */
const MAX_TABS = 8;

/**
 * The context inspector: an editor-area webview showing exactly what was sent
 * for one request (or would be, for a dry run). One tab per request, so two
 * answers can be compared side by side; asking for the same request again
 * brings its tab back.
 */
export class InspectorPanel implements vscode.Disposable {
  private readonly tabs = new Map<string, InspectorTab>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly resolve: (file: string) => Promise<string | undefined>,
  ) {}

  /** Shows a request in its own tab; `key` names the request (a turn id, or a preview's question). */
  show(model: InspectorModelDto, key: string = `${model.dryRun ? "preview" : "sent"}:${model.question}`): void {
    const open = this.tabs.get(key);
    if (open) {
      open.model = model;
      open.panel.reveal(vscode.ViewColumn.Active);
      this.post(open, { type: "inspector/model", payload: model });
      return;
    }
    const title = `${model.dryRun ? "Preview" : "Sent"}: ${shorten(model.question)}`;
    const panel = vscode.window.createWebviewPanel("threadline.inspector", title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot(this.extensionUri)],
      retainContextWhenHidden: true,
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, "media", "threadline.svg");
    loadPage(panel.webview, this.extensionUri, "inspector", title);
    const tab: InspectorTab = { panel, model };
    this.tabs.set(key, tab);
    panel.webview.onDidReceiveMessage(
      (msg: Envelope<InspectorToHost>) => void this.receive(tab, msg),
      undefined,
      this.disposables,
    );
    panel.onDidDispose(() => this.tabs.delete(key), undefined, this.disposables);
    while (this.tabs.size > MAX_TABS) this.tabs.values().next().value!.panel.dispose();
  }

  private async receive(tab: InspectorTab, msg: Envelope<InspectorToHost>): Promise<void> {
    const model = tab.model;
    switch (msg.type) {
      case "inspector/ready":
        this.post(tab, { type: "inspector/model", payload: model });
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

  private post(tab: InspectorTab, msg: Envelope<HostToInspector>): void {
    void tab.panel.webview.postMessage(msg);
  }

  dispose(): void {
    for (const tab of [...this.tabs.values()]) tab.panel.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function shorten(text: string, max = 40): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
