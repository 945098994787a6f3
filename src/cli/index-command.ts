import * as fs from "node:fs";
import * as path from "node:path";
import { createNodeIndex } from "../core/index/node/create";
import { DEFAULT_MAX_FILE_BYTES } from "../core/index/workspace-index";
import { type CommandSpec, type ParsedArgs, UsageError, intFlag, stringFlag, synopsis } from "./args";

export const indexSpec: CommandSpec = {
  name: "index",
  summary: "Indexes a folder (symbols, references, imports) and prints what it found and skipped.",
  positionals: "<dir>",
  flags: [
    {
      name: "cache",
      value: "<dir>",
      description: "Keep the index cache here, so the next run reparses only changed files.",
      default: "no cache",
    },
    { name: "json", description: "Print the stats as JSON." },
    {
      name: "threads",
      value: "<n>",
      description: "Parser threads; 0 parses on the main thread.",
      default: "one per core",
    },
    {
      name: "max-file-bytes",
      value: "<n>",
      description: "Skip files larger than this.",
      default: String(DEFAULT_MAX_FILE_BYTES),
    },
  ],
};

/** `threadline index`: builds (or refreshes) the index of a folder and prints its stats. */
export async function runIndex(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const dir = args.positionals[0];
  if (!dir) throw new UsageError(`a folder is required\nusage: ${synopsis(indexSpec)}`);
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
