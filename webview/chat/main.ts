import type { Envelope, HostToWebview, IndexStatusDto, WebviewToHost } from "../../src/protocol/messages";

declare function acquireVsCodeApi(): { postMessage(msg: Envelope<WebviewToHost>): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById("root")!;
const status = document.createElement("p");
status.setAttribute("role", "status");
root.append(status);

function render(s: IndexStatusDto): void {
  status.textContent =
    s.state === "indexing"
      ? `Indexing the workspace… ${s.done} / ${s.total} files`
      : s.state === "ready"
        ? `${s.files} files and ${s.symbols} symbols indexed.`
        : `Indexing failed: ${s.message ?? "unknown error"}`;
}

window.addEventListener("message", (event: MessageEvent<Envelope<HostToWebview>>) => {
  if (event.data.type === "index/status") render(event.data.payload);
});
status.textContent = "Waiting for the index…";
vscode.postMessage({ type: "webview/ready", payload: {} });
