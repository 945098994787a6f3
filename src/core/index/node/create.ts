import { WorkspaceIndex, type IndexOptions, type WorkspaceFolder } from "../workspace-index";
import { locateAssets } from "./assets";
import { InlineParser, WorkerPool } from "./parser-pool";

export interface NodeIndexOptions extends Omit<IndexOptions, "parser"> {
  /** Parser threads; 0 parses on the calling thread. Defaults to one per core. */
  threads?: number;
  assetsDir?: string;
}

/** Builds an index that parses with the grammars shipped beside this module. */
export function createNodeIndex(folders: readonly WorkspaceFolder[], options: NodeIndexOptions = {}): WorkspaceIndex {
  const assets = locateAssets(options.assetsDir);
  const parser = options.threads === 0 ? new InlineParser(assets) : new WorkerPool(assets, options.threads);
  return new WorkspaceIndex(folders, { ...options, parser });
}
