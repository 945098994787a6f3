import assert from "node:assert/strict";
import { test } from "node:test";
import { contentSecurityPolicy, makeNonce, webviewHtml } from "../../src/vscode/webview-html";

test("the CSP allows nothing by default and scripts only with the nonce", () => {
  const csp = contentSecurityPolicy("vscode-resource:", "abc");
  assert.equal(
    csp,
    "default-src 'none'; img-src vscode-resource: data:; style-src vscode-resource: 'nonce-abc'; " +
      "font-src vscode-resource:; script-src 'nonce-abc'",
  );
  assert.doesNotMatch(csp, /https?:|unsafe-inline|unsafe-eval|\*/);
});

test("nonces are fresh and long", () => {
  const a = makeNonce();
  assert.notEqual(a, makeNonce());
  assert.ok(a.length >= 24);
});

test("the page's only script carries the nonce", () => {
  const html = webviewHtml({ cspSource: "src:", nonce: "N1", scriptUri: "src:/chat.js", title: "T" });
  assert.deepEqual(
    [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]),
    ['<script nonce="N1" src="src:/chat.js">'],
  );
});
