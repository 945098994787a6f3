import type { Citation } from "../citations";

/** An answer with its valid citations written as `path:start-end`, readable outside the context they were made against. */
export function rewriteCitations(answer: string, citations: readonly Citation[]): string {
  let out = "";
  let at = 0;
  for (const c of [...citations].sort((a, b) => a.offset - b.offset)) {
    if (c.offset < at || !c.valid || !c.file) continue;
    const where = c.start === undefined ? c.file : `${c.file}:${c.start}-${c.end ?? c.start}`;
    out += answer.slice(at, c.offset) + where;
    at = c.offset + c.length;
  }
  return out + answer.slice(at);
}
