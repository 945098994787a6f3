import * as fs from "node:fs";
import { sniff } from "./sniff";
import type { IndexedFile } from "./types";

/** The text of an indexed file, decoded as the index decoded it; undefined if it is gone or no longer text. */
export function readIndexedText(file: IndexedFile): string | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file.absPath);
  } catch {
    return undefined;
  }
  const verdict = sniff(bytes, file.path);
  return verdict.kind === "text" ? verdict.text : undefined;
}
