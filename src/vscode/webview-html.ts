import { randomBytes } from "node:crypto";

/** A fresh nonce per render, from the system's CSPRNG. */
export function makeNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * The policy every Threadline webview uses: nothing by default, scripts only
 * with this render's nonce, styles and fonts only from the extension itself.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join("; ");
}

export function webviewHtml(opts: {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUris?: string[];
  codiconUri?: string;
  title: string;
}): string {
  const csp = contentSecurityPolicy(opts.cspSource, opts.nonce);
  const styles = (opts.styleUris ?? []).map((href) => `<link rel="stylesheet" href="${href}">`).join("\n");
  // @vscode-elements finds the codicon stylesheet by this id.
  const codicons = opts.codiconUri
    ? `<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${opts.codiconUri}">`
    : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${codicons}
${styles}
<title>${opts.title}</title>
</head>
<body>
<div id="root"></div>
<script nonce="${opts.nonce}" src="${opts.scriptUri}"></script>
</body>
</html>`;
}
