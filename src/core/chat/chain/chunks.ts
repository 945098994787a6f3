import { CONTEXT_PREAMBLE, fileHeader } from "../../context/render";
import type { TokenCounter } from "../../context/token-counter";
import type { ContextPackage, ContextSpan } from "../../context/types";

/** One worker's share of the candidates: whole file groups where they fit, rendered as a context. */
export interface Chunk {
  /** 1-based, in reading order. */
  index: number;
  text: string;
  tokens: number;
  spans: ContextSpan[];
}

interface Block {
  file: string;
  span: ContextSpan;
  text: string;
}

/**
 * Cuts a (large) package into chunks that each fit `budget` tokens, in the package's order.
 * A file's spans stay together in one chunk when they fit one; a file too big for any chunk is
 * split between spans, its header repeated. Spans keep their ids, so a citation means the same
 * in every chunk and in the answer. A single span larger than a chunk cannot be read and is
 * returned in `left`.
 */
export function splitIntoChunks(
  pack: Pick<ContextPackage, "text" | "spans">,
  budget: number,
  counter: TokenCounter,
): { chunks: Chunk[]; left: ContextSpan[] } {
  const blocks = spanBlocks(pack);
  const groups: Block[][] = [];
  for (const b of blocks) {
    const last = groups.at(-1);
    if (last && last[0]!.file === b.file) last.push(b);
    else groups.push([b]);
  }
  const render = (parts: readonly Block[]) => {
    let text = CONTEXT_PREAMBLE + "# Code\n";
    let file: string | undefined;
    for (const p of parts) {
      if (p.file !== file) text += fileHeader(p.file);
      file = p.file;
      text += p.text;
    }
    return text;
  };
  const chunks: Chunk[] = [];
  const left: ContextSpan[] = [];
  let current: Block[] = [];
  const close = () => {
    if (current.length === 0) return;
    const text = render(current);
    chunks.push({ index: chunks.length + 1, text, tokens: counter.count(text), spans: current.map((b) => b.span) });
    current = [];
  };
  const fits = (parts: readonly Block[]) => counter.count(render(parts)) <= budget;
  for (const group of groups) {
    if (fits([...current, ...group])) {
      current.push(...group);
      continue;
    }
    // Start the group in a fresh chunk, so a file is split only when it cannot fit any chunk.
    close();
    for (const b of group) {
      if (fits([...current, b])) current.push(b);
      else if (fits([b])) {
        close();
        current.push(b);
      } else left.push(b.span);
    }
  }
  close();
  return { chunks, left };
}

/** Each span's block of the package text (its header line and numbered lines), with its file. */
function spanBlocks(pack: Pick<ContextPackage, "text" | "spans">): Block[] {
  const byId = new Map(pack.spans.map((s) => [s.id, s]));
  const code = pack.text.indexOf("# Code\n");
  if (code < 0) return [];
  const lines = pack.text.slice(code + "# Code\n".length).split("\n");
  const blocks: Block[] = [];
  let open: Block | undefined;
  // Every code line is `<n> | …` and every elision `⋮ | …`, so a line starting `[S` or `#` is ours.
  for (const line of lines) {
    const header = /^\[(S\d+)\] /.exec(line);
    if (header) {
      const span = byId.get(header[1]!);
      open = span ? { file: span.file, span, text: "" } : undefined;
      if (open) blocks.push(open);
    } else if (line.startsWith("#")) {
      open = undefined;
      continue;
    }
    if (open) open.text += line + "\n";
  }
  // The blank line between spans belongs to the block before; drop trailing extras.
  for (const b of blocks) b.text = b.text.replace(/\n+$/, "\n\n");
  return blocks;
}
