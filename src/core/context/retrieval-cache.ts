import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as v8 from "node:v8";
import { errorMessage } from "../result";
import { unpackStrings } from "./packing";
import { RETRIEVAL_SCHEMA_VERSION, type RetrievalDump } from "./retrieval-index";

/**
 * The persisted retrieval index: one binary file per workspace beside the
 * index cache, so the first question after a reload restores what it needs
 * instead of re-tokenizing every file. `v8.serialize` keeps typed arrays and
 * maps as they are and reads tens of megabytes in a fraction of a second,
 * where JSON would take seconds. Versioned and written atomically like the
 * index cache; anything unexpected is reported and never trusted.
 */

export type RetrievalLoad =
  { kind: "loaded"; dump: RetrievalDump } | { kind: "missing" } | { kind: "rejected"; reason: string };

/** The cache file for a workspace of these folder roots. */
export function retrievalCacheFile(cacheDir: string, roots: readonly string[]): string {
  const key = createHash("sha1")
    .update(roots.map((r) => path.resolve(r)).join("\0"))
    .digest("hex")
    .slice(0, 16);
  return path.join(cacheDir, `retrieval-${key}.bin`);
}

export function loadRetrieval(file: string): RetrievalLoad {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { kind: "missing" } : { kind: "rejected", reason: errorMessage(e) };
  }
  let data: unknown;
  try {
    data = v8.deserialize(bytes);
  } catch {
    return { kind: "rejected", reason: "the file is corrupt or truncated" };
  }
  const problem = validate(data);
  return problem
    ? { kind: "rejected", reason: problem }
    : { kind: "loaded", dump: ownArrays(data as RetrievalDump, bytes.buffer) };
}

/**
 * `v8.deserialize` returns typed arrays that are views into the file's bytes.
 * The index keeps some of them (postings, graph edges, name words), and one
 * view would keep the whole file alive: 70 MB on babel. Copies own their memory.
 */
function ownArrays<T>(value: T, file: ArrayBufferLike): T {
  if (ArrayBuffer.isView(value)) return (value.buffer === file ? (value as unknown as Uint8Array).slice() : value) as T;
  if (typeof value === "object" && value !== null)
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = ownArrays(v, file);
  return value;
}

function validate(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return "the file does not hold an object";
  const d = data as Partial<RetrievalDump>;
  if (d.schema !== RETRIEVAL_SCHEMA_VERSION) return `schema ${String(d.schema)} != ${RETRIEVAL_SCHEMA_VERSION}`;
  for (const k of ["paths", "hashes", "absPaths", "terms", "definitionNames", "docFiles"] as const)
    if (typeof d[k] !== "string") return `${k} is missing`;
  for (const s of [d.unitSearch, d.fileSearch, d.classSearch])
    if (
      !s ||
      !(s.terms instanceof Uint32Array) ||
      !(s.offsets instanceof Float64Array) ||
      !(s.dfs instanceof Uint32Array) ||
      !(s.postStart instanceof Uint32Array) ||
      !(s.postings instanceof Uint32Array)
    )
      return "a search index is missing";
  if (!d.units || !(d.units.start instanceof Uint32Array)) return "the units are missing";
  const files = unpackStrings(d.paths!).length;
  if (!d.unitsByFile || d.unitsByFile.offsets.length !== files + 1 || d.fileDocs?.length !== files)
    return "the file tables disagree";
  const units = d.units.start.length;
  for (const id of d.unitsByFile.items)
    if (id >= units || id >= (d.unitDoc?.length ?? 0)) return `unit ${id} is missing`;
  if (!(d.unitHashes instanceof Float64Array) || d.unitHashes.length !== d.unitDoc!.length)
    return "the unit hashes are missing";
  if (!(d.edgeOffsets instanceof Float64Array) || d.edgeOffsets.length !== units + 1) return "the graph is missing";
  if (
    !(d.names?.offsets instanceof Uint32Array) ||
    d.names.offsets.length !== units + 1 ||
    !(d.names.items instanceof Uint32Array) ||
    d.names.offsets[units] !== d.names.items.length ||
    !(d.stemTerms instanceof Uint32Array) ||
    typeof d.stems !== "string"
  )
    return "the name words are missing";
  return undefined;
}

/** Writes to a temporary file and renames it, so a crash never leaves half a cache. */
export async function saveRetrieval(file: string, dump: RetrievalDump): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fs.promises.writeFile(tmp, v8.serialize(dump));
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}
