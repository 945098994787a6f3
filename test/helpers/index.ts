import { createNodeIndex, type NodeIndexOptions } from "../../src/core/index/node/create";
import type { SymbolDef } from "../../src/core/index/types";
import type { WorkspaceIndex } from "../../src/core/index/workspace-index";

/** An index over one folder, parsing on the test's own thread unless told otherwise. */
export function indexFor(root: string, options: NodeIndexOptions = {}): WorkspaceIndex {
  return createNodeIndex([{ name: "ws", path: root }], { threads: 0, ...options });
}

/** A compact, comparable view of symbols: `kind qualifiedName start-end sig:N doc:a-b`. */
export function outline(symbols: readonly SymbolDef[]): string[] {
  return symbols.map(
    (s) =>
      `${s.kind} ${s.qualifiedName} ${s.start}-${s.end} sig:${s.signatureEnd}` +
      (s.doc ? ` doc:${s.doc.start}-${s.doc.end}` : ""),
  );
}
