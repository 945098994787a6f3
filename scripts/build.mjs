// Bundles the extension, the CLI, the parser and token workers and the webview, and
// copies the runtime assets (grammars, queries) next to them in dist/.
import * as esbuild from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";

const production = process.argv.includes("--production");
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const dist = path.resolve("dist");
fs.rmSync(dist, { recursive: true, force: true });

const node = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: !production,
  minify: production,
  logLevel: "warning",
  // web-tree-sitter's ESM build reads import.meta.url, which a CJS bundle lacks.
  define: { "import.meta.url": "__threadlineModuleUrl" },
  banner: { js: 'const __threadlineModuleUrl = require("url").pathToFileURL(__filename).href;' },
};

await Promise.all([
  esbuild.build({
    ...node,
    entryPoints: ["src/vscode/activate.ts"],
    outfile: "dist/extension.js",
    external: ["vscode", "onnxruntime-node"],
  }),
  esbuild.build({
    ...node,
    entryPoints: ["src/cli/main.ts"],
    outfile: "dist/cli.js",
    external: ["onnxruntime-node"],
    define: { ...node.define, THREADLINE_VERSION: JSON.stringify(pkg.version) },
    banner: { js: "#!/usr/bin/env node\n" + node.banner.js },
  }),
  esbuild.build({ ...node, entryPoints: ["src/core/index/node/worker.ts"], outfile: "dist/index-worker.js" }),
  esbuild.build({ ...node, entryPoints: ["src/core/context/token-worker.ts"], outfile: "dist/token-worker.js" }),
  esbuild.build({
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: !production,
    minify: production,
    logLevel: "warning",
    entryPoints: { chat: "webview/chat/main.ts", inspector: "webview/inspector/main.ts" },
    outdir: "dist/webview",
    loader: { ".ttf": "file" },
  }),
]);

const copy = (from, to) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
};
const grammars = path.dirname(require_("@vscode/tree-sitter-wasm/package.json"));
for (const f of fs.readdirSync(path.join(grammars, "wasm"))) {
  if (f.startsWith("tree-sitter-") && f.endsWith(".wasm"))
    copy(path.join(grammars, "wasm", f), path.join(dist, "wasm", f));
}
copy(
  path.join(path.dirname(require_("web-tree-sitter")), "web-tree-sitter.wasm"),
  path.join(dist, "wasm", "web-tree-sitter.wasm"),
);
// The webview's stylesheet and the codicon font, served from dist/webview (no remote resources).
copy("webview/chat/chat.css", path.join(dist, "webview", "chat.css"));
copy("webview/inspector/inspector.css", path.join(dist, "webview", "inspector.css"));
const codicons = path.join(path.dirname(require_("@vscode/codicons/package.json")), "dist");
for (const f of ["codicon.css", "codicon.ttf"]) copy(path.join(codicons, f), path.join(dist, "webview", f));
// tiktoken loads its wasm from next to the bundle that requires it.
copy(path.join(path.dirname(require_("tiktoken")), "tiktoken_bg.wasm"), path.join(dist, "tiktoken_bg.wasm"));
for (const f of fs.readdirSync("src/core/index/queries"))
  copy(path.join("src/core/index/queries", f), path.join(dist, "queries", f));
fs.chmodSync(path.join(dist, "cli.js"), 0o755);

// onnxruntime-node is a native addon and cannot be bundled: ship its JS, its dependency and this
// platform's binaries in dist/node_modules, where `require` finds them from the bundles.
const copyDir = (from, to, filter = () => true) => {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (!filter(src)) continue;
    if (entry.isDirectory()) copyDir(src, path.join(to, entry.name), filter);
    else copy(src, path.join(to, entry.name));
  }
};
for (const pkg of ["onnxruntime-node", "onnxruntime-common"]) {
  const root = path.resolve("node_modules", pkg);
  const to = path.join(dist, "node_modules", pkg);
  copy(path.join(root, "package.json"), path.join(to, "package.json"));
  copyDir(path.join(root, "dist"), path.join(to, "dist"), (f) => !f.endsWith(".map") && !f.endsWith(".d.ts"));
}
const ortRoot = path.resolve("node_modules", "onnxruntime-node");
const ortBin = path.join("bin", "napi-v6", process.platform, process.arch);
if (fs.existsSync(path.join(ortRoot, ortBin)))
  copyDir(path.join(ortRoot, ortBin), path.join(dist, "node_modules", "onnxruntime-node", ortBin));

function require_(id) {
  return createRequire(import.meta.url).resolve(id);
}
import { createRequire } from "node:module";
