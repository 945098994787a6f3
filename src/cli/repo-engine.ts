import * as path from "node:path";
import { ContextEngine } from "../core/context/context-engine";
import { retrievalCacheFile } from "../core/context/retrieval-cache";
import { createNodeIndex } from "../core/index/node/create";
import type { WorkspaceIndex } from "../core/index/workspace-index";

/**
 * The index and context engine of one repository for a CLI command. With a
 * cache folder, both the index and the retrieval index persist there, so the
 * next run restores them instead of deriving them again.
 */
export function openRepository(
  repo: string,
  cacheDir: string | undefined,
): { index: WorkspaceIndex; engine: ContextEngine } {
  const index = createNodeIndex([{ name: path.basename(path.resolve(repo)), path: repo }], { cacheDir });
  const engine = new ContextEngine(index, {
    cacheFile: cacheDir ? retrievalCacheFile(cacheDir, [repo]) : undefined,
    log: (line) => process.stderr.write(`threadline: ${line}\n`),
  });
  // Every command that opens a repository asks a question: its warm start's token encoder loads beside the index.
  engine.preload();
  return { index, engine };
}
