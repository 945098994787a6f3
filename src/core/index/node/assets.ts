import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

/**
 * Where the grammars, queries and worker script live. The bundle copies them
 * next to itself (dist/); running from source (tests, tsx) finds them in
 * node_modules and src/.
 */
export interface IndexAssets {
  wasmDir: string;
  runtimeWasm: string;
  queryDir: string;
  workerScript: string;
}

export function locateAssets(baseDir: string = __dirname): IndexAssets {
  const bundled = path.join(baseDir, "wasm");
  if (fs.existsSync(path.join(bundled, "tree-sitter-python.wasm"))) {
    return {
      wasmDir: bundled,
      runtimeWasm: path.join(bundled, "web-tree-sitter.wasm"),
      queryDir: path.join(baseDir, "queries"),
      workerScript: path.join(baseDir, "index-worker.js"),
    };
  }
  // Resolved at run time, never by the bundler: this branch only runs from source.
  const resolve = createRequire(__filename).resolve;
  const grammarsPkg = path.dirname(resolve("@vscode/tree-sitter-wasm/package.json"));
  const runtimePkg = path.dirname(resolve("web-tree-sitter"));
  return {
    wasmDir: path.join(grammarsPkg, "wasm"),
    runtimeWasm: path.join(runtimePkg, "web-tree-sitter.wasm"),
    queryDir: path.join(__dirname, "..", "queries"),
    workerScript: path.join(__dirname, "worker.ts"),
  };
}
