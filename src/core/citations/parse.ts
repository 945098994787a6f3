/**
 * Finds citations in model output, in every form models actually write:
 * `[S12]`, `[S12:130-141]`, `[S12, S14]`, `path/file.py:130`, `path/file.py:130-141`,
 * `path/file.py#L130-L141`, `path/file.py (lines 130-141)`, and markdown links to files.
 */
export interface RawCitation {
  /** The citation as written. */
  text: string;
  /** Offset and length in the answer. */
  offset: number;
  length: number;
  spanId?: string;
  /** A commit of the "Recent history" section (`[C2]`). */
  commitId?: string;
  file?: string;
  start?: number;
  end?: number;
}

const EXT = "(?:py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|java|c|h|cc|cpp|hpp|cs|rb|php|sh|md|rst|toml|cfg|ini|ya?ml|json)";
const PATH = `(?:\\.?\\/)?(?:[\\w.@-]+\\/)*[\\w.@-]+\\.${EXT}`;

const SPAN_GROUP = /\[((?:S\d+(?::\d+(?:-\d+)?)?|C\d+)(?:\s*[,;]\s*(?:S\d+(?::\d+(?:-\d+)?)?|C\d+))*)\]/g;
const MD_LINK = new RegExp(`\\[([^\\]\\n]*)\\]\\((${PATH})(?:#L(\\d+)(?:-L?(\\d+))?)?\\)`, "g");
const PATH_REF = new RegExp(
  `(?<![\\w/.])(${PATH})(?:#L(\\d+)(?:-L?(\\d+))?|:(\\d+)(?:[-–](\\d+))?|\\s+\\(?lines?\\s+(\\d+)(?:\\s*[-–]\\s*(\\d+))?\\)?)`,
  "g",
);

export function parseCitations(answer: string): RawCitation[] {
  const out: RawCitation[] = [];
  const taken: [number, number][] = [];
  const free = (from: number, to: number) => !taken.some(([a, b]) => from < b && to > a);

  for (const m of answer.matchAll(SPAN_GROUP)) {
    const base = m.index;
    const parts = m[1]!.split(/\s*[,;]\s*/);
    let cursor = base + 1;
    for (const part of parts) {
      const at = answer.indexOf(part, cursor);
      cursor = at + part.length;
      if (/^C\d+$/.test(part)) {
        out.push(
          parts.length === 1
            ? { text: m[0], offset: base, length: m[0].length, commitId: part }
            : { text: part, offset: at, length: part.length, commitId: part },
        );
        continue;
      }
      const pm = /^S(\d+)(?::(\d+)(?:-(\d+))?)?$/.exec(part)!;
      // A lone citation covers its brackets; one of a group covers just its own text.
      const c: RawCitation =
        parts.length === 1
          ? { text: m[0], offset: base, length: m[0].length, spanId: `S${pm[1]}` }
          : { text: part, offset: at, length: part.length, spanId: `S${pm[1]}` };
      if (pm[2]) {
        c.start = Number(pm[2]);
        c.end = Number(pm[3] ?? pm[2]);
      }
      out.push(c);
    }
    taken.push([base, base + m[0].length]);
  }
  for (const m of answer.matchAll(MD_LINK)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    const c: RawCitation = { text: m[0], offset: m.index, length: m[0].length, file: normalize(m[2]!) };
    if (m[3]) {
      c.start = Number(m[3]);
      c.end = Number(m[4] ?? m[3]);
    }
    out.push(c);
    taken.push([m.index, m.index + m[0].length]);
  }
  for (const m of answer.matchAll(PATH_REF)) {
    if (!free(m.index, m.index + m[0].length)) continue;
    const start = m[2] ?? m[4] ?? m[6];
    const end = m[3] ?? m[5] ?? m[7] ?? start;
    out.push({
      text: m[0],
      offset: m.index,
      length: m[0].length,
      file: normalize(m[1]!),
      start: Number(start),
      end: Number(end),
    });
    taken.push([m.index, m.index + m[0].length]);
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function normalize(path: string): string {
  return path.replace(/^\.?\//, "");
}
