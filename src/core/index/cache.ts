import * as crypto from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { errorMessage } from "../result";
import type { FileFacts } from "./types";

/** Bump whenever FileFacts, a query or extraction changes: older caches are rebuilt. */
export const INDEX_SCHEMA_VERSION = 5;

export type CachedOutcome = FileFacts | { skip: "binary" | "generated" };

export interface CacheEntry {
  size: number;
  mtimeMs: number;
  hash: string;
}

/** One workspace folder's cache: a path → freshness manifest and hash → facts records. */
export interface CacheData {
  schema: number;
  root: string;
  files: Record<string, CacheEntry>;
  records: Record<string, CachedOutcome>;
}

export type CacheLoad =
  { kind: "loaded"; data: CacheData } | { kind: "missing" } | { kind: "rejected"; reason: string };

export function emptyCache(root: string): CacheData {
  return { schema: INDEX_SCHEMA_VERSION, root, files: {}, records: {} };
}

export function cacheFileFor(cacheDir: string, root: string): string {
  const key = contentHash(path.resolve(root)).slice(0, 16);
  return path.join(cacheDir, `index-${key}.json`);
}

/** SHA-1 in hex: the one-shot `crypto.hash` where Node has it (20.12+), a fifth of the cost per call of `createHash`. */
export const contentHash: (data: Uint8Array | string) => string =
  typeof crypto.hash === "function"
    ? (data) => crypto.hash("sha1", data, "hex")
    : (data) => crypto.createHash("sha1").update(data).digest("hex");

/** Reads a cache file; anything unexpected is reported and never trusted. */
export async function loadCache(file: string, root: string): Promise<CacheLoad> {
  let raw: string;
  try {
    raw = await fs.readFile(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { kind: "missing" } : { kind: "rejected", reason: errorMessage(e) };
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { kind: "rejected", reason: "cache file is not valid JSON (corrupt or truncated)" };
  }
  const problem = validate(data, root);
  return problem ? { kind: "rejected", reason: problem } : { kind: "loaded", data: data as CacheData };
}

function validate(data: unknown, root: string): string | undefined {
  if (typeof data !== "object" || data === null) return "cache file does not hold an object";
  const d = data as Partial<CacheData>;
  if (d.schema !== INDEX_SCHEMA_VERSION) return `cache schema ${String(d.schema)} != ${INDEX_SCHEMA_VERSION}`;
  if (d.root !== path.resolve(root)) return "cache belongs to another folder";
  if (typeof d.files !== "object" || d.files === null) return "cache has no file table";
  if (typeof d.records !== "object" || d.records === null) return "cache has no records";
  for (const [rel, entry] of Object.entries(d.files)) {
    if (typeof entry?.hash !== "string" || typeof entry.size !== "number" || typeof entry.mtimeMs !== "number")
      return `cache entry for ${rel} is malformed`;
    const record = d.records[entry.hash];
    if (!record || (!("skip" in record) && !Array.isArray(record.symbols)))
      return `cache record for ${rel} is missing or malformed`;
  }
  return undefined;
}

/** Writes to a temporary file and renames it, so a crash never leaves half a cache. */
export async function saveCache(file: string, data: CacheData): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.writeFile(tmp, JSON.stringify(data));
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}
