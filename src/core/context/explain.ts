import type { WorkspacePath } from "../index/types";
import type { ContextEngine } from "./context-engine";
import type { RetrievalIndex } from "./retrieval-index";
import type { ContextPackage, FocusLocation } from "./types";

export type { FocusLocation } from "./types";

/** A symbol name as Explain takes it: an identifier, optionally dotted (`Cart.total`). */
export const SYMBOL_NAME = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/;

const MAX_CALLERS = 6;
const MAX_CALLEES = 8;
/** A callee name defined in more places than this is too ambiguous to follow. */
const MAX_CALLEE_DEFS = 3;

export interface ExplainTarget {
  name: string;
  /** Where the cursor is, to prefer the definition the user is looking at. */
  file?: WorkspacePath;
  line?: number;
}

/**
 * Walks a symbol across files from the index: who calls it, where it is
 * defined (and the type it belongs to), and what it calls. Returned in call
 * path order: callers, definition, type, callees. `extra` adds locations an
 * editor's language server found (definitions, references, implementations).
 */
export function gatherCallPath(
  index: RetrievalIndex,
  target: ExplainTarget,
  extra: readonly FocusLocation[] = [],
): FocusLocation[] {
  const name = target.name.split(".").pop()!;
  const seen = new Set<number>();
  const out: FocusLocation[] = [];
  const push = (unit: number | undefined, role: FocusLocation["role"]) => {
    if (unit === undefined || seen.has(unit)) return;
    seen.add(unit);
    const u = index.units[unit]!;
    out.push({ file: u.file, line: u.start, role });
  };

  let definitions = [...(index.definitions.get(target.name) ?? index.definitions.get(name) ?? [])];
  const here = target.file && target.line ? index.unitAt(target.file, target.line) : undefined;
  if (here !== undefined && definitions.includes(here)) definitions = [here, ...definitions.filter((d) => d !== here)];
  for (const e of extra) if (e.role === "definition") definitions.push(...unitsAt(index, e));
  const defSet = new Set(definitions);

  const callers: number[] = [];
  for (const [path, file] of index.files) {
    if (!Object.hasOwn(file.refs, name)) continue;
    for (const line of file.refs[name]!) {
      const u = index.unitAt(path, line);
      if (u !== undefined && !defSet.has(u) && !callers.includes(u)) callers.push(u);
    }
  }
  for (const e of extra) if (e.role === "caller" || e.role === "reference") callers.push(...unitsAt(index, e));
  for (const u of callers.slice(0, MAX_CALLERS)) push(u, "caller");

  for (const d of definitions.slice(0, 3)) {
    push(d, "definition");
    const unit = index.units[d]!;
    const owner = unit.name.includes(".") ? unit.name.slice(0, unit.name.lastIndexOf(".")) : undefined;
    if (owner)
      push(
        index.definitions.get(owner)?.find((u) => index.units[u]!.file === unit.file),
        "type",
      );
  }
  for (const e of extra) if (e.role === "implementation") for (const u of unitsAt(index, e)) push(u, "implementation");

  let callees = 0;
  for (const d of definitions.slice(0, 1)) {
    const unit = index.units[d]!;
    const file = index.files.get(unit.file)!;
    for (const ref in file.refs) {
      if (!Object.hasOwn(file.refs, ref) || ref === name) continue;
      if (!file.refs[ref]!.some((l) => l >= unit.start && l <= unit.end)) continue;
      const defs = index.definitions.get(ref);
      if (!defs || defs.length > MAX_CALLEE_DEFS) continue;
      for (const c of defs) {
        if (callees >= MAX_CALLEES) break;
        if (!seen.has(c)) callees++;
        push(c, "callee");
      }
    }
  }
  for (const e of extra) if (e.role === "callee") for (const u of unitsAt(index, e)) push(u, "callee");
  return out;
}

function unitsAt(index: RetrievalIndex, loc: FocusLocation): number[] {
  const u = index.unitAt(loc.file, loc.line);
  return u === undefined ? [] : [u];
}

/**
 * Explain Across Files as a package: the call path pinned first, within the budget. The query
 * ranks what fills the rest; by default it is the symbol itself.
 */
export function explainPackage(
  engine: ContextEngine,
  target: ExplainTarget,
  options: { budget: number; query?: string; extra?: readonly FocusLocation[] },
): { pack: ContextPackage; focus: FocusLocation[] } | undefined {
  engine.prepare();
  const focus = gatherCallPath(engine.retrievalIndex!, target, options.extra);
  if (focus.length === 0) return undefined;
  // The latest commits that touched the walked symbols come along (when there is history).
  return {
    focus,
    pack: engine.build(options.query ?? target.name, { budget: options.budget, focus, recentHistory: true }),
  };
}
