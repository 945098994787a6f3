import { citationsOf, type Citation } from "../citations";
import type { TokenCounter } from "../context/token-counter";
import type { ContextPackage } from "../context/types";
import type { ChatMessage } from "./client";
import { MEMORY_SHARE, buildPrompt, type Prompt, type Turn } from "./prompt";

/** A model the host lends (VS Code's `request.model`): messages in, text fragments out. */
export interface HostModel {
  send(messages: readonly ChatMessage[], signal: AbortSignal): AsyncIterable<string>;
}

/** Where the answer goes: markdown as it streams, a link for each citation that checked out, a warning for each that did not. */
export interface AnswerSink {
  markdown(text: string): void;
  citation(citation: Citation & { file: string; start: number; end: number }): void;
  warning(text: string): void;
}

export interface HostAnswer {
  answer: string;
  citations: Citation[];
  prompt: Prompt;
}

/**
 * Answers with a host's model from a package Threadline built: the same prompt
 * as the sidebar, streamed into the sink. Citations are checked against the
 * package as the text streams (the package is known before the first token),
 * so a valid one becomes a link in place and an invalid one is flagged there
 * and listed at the end. Text that might still grow into a citation is held
 * back until the next whitespace.
 */
export async function answerWithHostModel(
  question: string,
  pack: ContextPackage,
  history: readonly Turn[],
  model: HostModel,
  sink: AnswerSink,
  counter: TokenCounter,
  signal: AbortSignal,
): Promise<HostAnswer> {
  const prompt = buildPrompt(question, pack, history, Math.floor(pack.budget * MEMORY_SHARE), counter);
  let answer = "";
  let emitted = 0;
  const flagged: Citation[] = [];
  const emitUpTo = (cut: number) => {
    for (const c of citationsOf(answer, pack, prompt.memory.cited)) {
      if (c.offset < emitted || c.offset + c.length > cut) continue;
      sink.markdown(answer.slice(emitted, c.offset));
      if (c.valid && c.file && c.start !== undefined) {
        sink.citation({ ...c, file: c.file, start: c.start, end: c.end ?? c.start });
      } else {
        sink.markdown(`${c.text} ⚠️`);
        flagged.push(c);
      }
      emitted = c.offset + c.length;
    }
    if (cut > emitted) sink.markdown(answer.slice(emitted, cut));
    emitted = Math.max(emitted, cut);
  };
  for await (const fragment of model.send(prompt.messages, signal)) {
    if (signal.aborted) break;
    answer += fragment;
    const cut = lastBoundary(answer);
    if (cut > emitted) emitUpTo(cut);
  }
  emitUpTo(answer.length);
  if (flagged.length > 0) {
    sink.warning(
      `${flagged.length} citation(s) do not match what was sent: ` +
        flagged.map((c) => `${c.text} (${c.reason})`).join("; "),
    );
  }
  return { answer, citations: citationsOf(answer, pack, prompt.memory.cited), prompt };
}

/**
 * How much of a streaming answer can be shown without cutting a citation in two: up to the last
 * whitespace, but never past an unclosed "[" (`[S1, S2]` has spaces) or a path that may still
 * get its "(lines a-b)".
 */
function lastBoundary(text: string): number {
  const open = text.lastIndexOf("[");
  const limit = open >= 0 && text.indexOf("]", open) < 0 && text.length - open < 80 ? open : text.length;
  for (let i = limit - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch !== "\n" && ch !== " " && ch !== "\t") continue;
    const before = text.slice(Math.max(0, i - 200), i);
    if (/(?:\S+\.\w+|\(\s*lines?|\(\s*lines?\s+\d+)$/.test(before)) continue;
    return i + 1;
  }
  return 0;
}
