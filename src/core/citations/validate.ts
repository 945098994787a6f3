import type { ContextPackage, Range } from "../context/types";
import type { RawCitation } from "./parse";

/** A citation checked against the context that was actually sent. */
export interface Citation {
  text: string;
  offset: number;
  length: number;
  /** The span cited, when the citation names one or its lines fall in exactly one. */
  id?: string;
  file?: string;
  start?: number;
  end?: number;
  /** A cited commit of the "Recent history" section: its full id, date and subject. */
  commit?: { id: string; date: string; subject: string };
  /** An earlier turn whose context held the cited lines (a citation to conversation memory). */
  turn?: number;
  valid: boolean;
  /** Why it is invalid, or how it was resolved. */
  reason: string;
}

/**
 * Validates citations: the span exists in the package, the lines lie inside
 * lines that were really sent, and a file is named by its full workspace path
 * (never by basename alone). Nothing unverifiable is ever marked valid.
 */
export function validateCitations(
  raw: readonly RawCitation[],
  pack: Pick<ContextPackage, "spans" | "commits">,
  memory: readonly EarlierContext[] = [],
): Citation[] {
  const checked = validateAgainstPackage(raw, pack);
  if (memory.length === 0) return checked;
  // A `path:lines` the current context did not hold may cite an earlier turn the prompt carried:
  // it is valid only if that turn's own context sent those lines.
  return checked.map((c) => {
    if (c.valid || !c.file || c.commit) return c;
    for (let i = memory.length - 1; i >= 0; i--) {
      const earlier = memory[i]!;
      const ranges = earlier.sent.filter((s) => s.file === c.file).flatMap((s) => s.ranges);
      if (ranges.length === 0) continue;
      if (c.start === undefined || c.end === undefined)
        return { ...c, turn: earlier.turn, valid: true, reason: `file was sent in turn ${earlier.turn}` };
      if (c.start <= c.end && covered(ranges, c.start, c.end))
        return { ...c, turn: earlier.turn, valid: true, reason: `lines were sent in turn ${earlier.turn}` };
    }
    return c;
  });
}

/** What an earlier turn sent, as conversation memory keeps it. */
export interface EarlierContext {
  turn: number;
  sent: readonly { file: string; ranges: readonly Range[] }[];
}

function validateAgainstPackage(
  raw: readonly RawCitation[],
  pack: Pick<ContextPackage, "spans" | "commits">,
): Citation[] {
  const spans = new Map(pack.spans.map((s) => [s.id, s]));
  const commits = new Map((pack.commits ?? []).map((c) => [c.id, c]));
  const sentByFile = new Map<string, { id: string; ranges: Range[] }[]>();
  for (const s of pack.spans) {
    const list = sentByFile.get(s.file) ?? [];
    list.push({ id: s.id, ranges: s.ranges });
    sentByFile.set(s.file, list);
  }
  return raw.map((c) => {
    const base = { text: c.text, offset: c.offset, length: c.length };
    if (c.commitId) {
      const commit = commits.get(c.commitId);
      if (!commit) return { ...base, id: c.commitId, valid: false, reason: `${c.commitId} was not in the context` };
      return {
        ...base,
        id: c.commitId,
        commit: { id: commit.commit, date: commit.date, subject: commit.subject },
        valid: true,
        reason: "commit was in the context",
      };
    }
    if (c.spanId) {
      const span = spans.get(c.spanId);
      if (!span) return { ...base, id: c.spanId, valid: false, reason: `${c.spanId} was not in the context` };
      const [first, last] = [span.ranges[0]![0], span.ranges[span.ranges.length - 1]![1]];
      if (c.start === undefined) {
        return {
          ...base,
          id: span.id,
          file: span.file,
          start: first,
          end: last,
          valid: true,
          reason: "span was in the context",
        };
      }
      const start = c.start;
      const end = c.end ?? c.start;
      const cited = { ...base, id: span.id, file: span.file, start, end };
      if (start > end) return { ...cited, valid: false, reason: `line range ${start}-${end} is reversed` };
      if (!covered(span.ranges, start, end)) {
        return {
          ...cited,
          valid: false,
          reason: `lines ${start}-${end} were not sent in ${span.id} (${describe(span.ranges)})`,
        };
      }
      return { ...cited, valid: true, reason: "span and lines match the context" };
    }
    const file = c.file!;
    const sent = sentByFile.get(file);
    const cited = { ...base, file, start: c.start, end: c.end };
    if (!sent) {
      const byBasename = [...sentByFile.keys()].filter((f) => f.endsWith("/" + file));
      const reason =
        byBasename.length > 0
          ? `"${file}" is not a full workspace path (it could be ${byBasename.join(" or ")})`
          : `${file} was not in the context`;
      return { ...cited, valid: false, reason };
    }
    if (c.start === undefined || c.end === undefined) {
      return { ...cited, id: sent[0]!.id, valid: true, reason: "file was in the context" };
    }
    if (c.start > c.end) return { ...cited, valid: false, reason: `line range ${c.start}-${c.end} is reversed` };
    // A file citation may run across adjacent spans: every line must have been sent in one of them.
    if (
      !covered(
        sent.flatMap((s) => s.ranges),
        c.start,
        c.end,
      )
    ) {
      return { ...cited, valid: false, reason: `lines ${c.start}-${c.end} of ${file} were not in the context` };
    }
    const holders = sent.filter((s) => s.ranges.some(([a, b]) => a <= c.end! && b >= c.start!)).map((s) => s.id);
    return { ...cited, id: holders[0], valid: true, reason: `lines were sent in ${holders.join(", ")}` };
  });
}

function covered(ranges: readonly Range[], start: number, end: number): boolean {
  for (let line = start; line <= end; line++) if (!ranges.some(([a, b]) => line >= a && line <= b)) return false;
  return true;
}

function describe(ranges: readonly Range[]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(", ");
}
