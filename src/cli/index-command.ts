import * as fs from "node:fs";
import * as path from "node:path";
import { createNodeIndex } from "../core/index/node/create";
import { DEFAULT_MAX_FILE_BYTES } from "../core/index/workspace-index";
import { type ParsedArgs, UsageError, intFlag, stringFlag } from "./args";

export const indexUsage = "threadline index <dir> [--cache <dir>] [--json] [--threads N] [--max-file-bytes N]";

/** `threadline index`: builds (or refreshes) the index of a folder and prints its stats. */
export async function runIndex(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const dir = args.positionals[0];
  if (!dir) throw new UsageError(`usage: ${indexUsage}`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`not a directory: ${dir}`);
  const cacheDir = stringFlag(args, "cache");
  const index = createNodeIndex([{ name: path.basename(path.resolve(dir)), path: dir }], {
    cacheDir,
    threads: args.flags.has("threads") ? intFlag(args, "threads", 0) : undefined,
    maxFileBytes: intFlag(args, "max-file-bytes", DEFAULT_MAX_FILE_BYTES),
  });
  try {
    const stats = await index.build();
    await index.save();
    if (args.flags.get("json") === true) {
      out.write(JSON.stringify(stats) + "\n");
    } else {
      const skipped = Object.entries(stats.skipped)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
      out.write(
        `${stats.files} files, ${stats.symbols} symbols, ${stats.references} references, ` +
          `${stats.parseErrors} with parse errors in ${stats.ms} ms` +
          (skipped ? `; skipped ${skipped}` : "") +
          "\n",
      );
    }
    for (const p of index.problems()) process.stderr.write(`threadline: ${p.path}: ${p.message}\n`);
    return 0;
  } finally {
    index.dispose();
  }
}
