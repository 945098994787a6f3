import * as vscode from "vscode";
import { makeNonce, webviewHtml } from "./webview-html";

/** Where every webview's bundle, stylesheet and codicons live; the only local resource root. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, "dist", "webview");
}

/** Loads one page (`<entry>.js` and `<entry>.css` from dist/webview) into a webview, under the strict CSP. */
export function loadPage(webview: vscode.Webview, extensionUri: vscode.Uri, entry: string, title: string): void {
  const root = webviewRoot(extensionUri);
  const uri = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(root, name)).toString();
  webview.html = webviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: uri(`${entry}.js`),
    styleUris: [uri(`${entry}.css`)],
    codiconUri: uri("codicon.css"),
    title,
  });
}
