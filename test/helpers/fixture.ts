import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * Writes a workspace described inline:
 *   //- src/a.py
 *   def f(): ...
 * and returns its root. Removed when the test ends via `cleanup`.
 */
export function writeFixture(spec: string): {
  root: string;
  cleanup: () => void;
  write: (rel: string, body: string | Uint8Array) => string;
} {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "threadline-test-"));
  const write = (rel: string, body: string | Uint8Array) => {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, body);
    return abs;
  };
  for (const [rel, body] of parseFixture(spec)) write(rel, body);
  return { root, write, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export function parseFixture(spec: string): [string, string][] {
  const files: [string, string][] = [];
  const chunks = spec.split(/^\/\/- /m).slice(1);
  for (const chunk of chunks) {
    const nl = chunk.indexOf("\n");
    files.push([chunk.slice(0, nl).trim(), chunk.slice(nl + 1)]);
  }
  return files;
}
