import { citationsOf, type Citation } from "../citations";
import type { ContextEngine } from "../context/context-engine";
import type { ContextPackage, EditorFocus, LineScoringModel } from "../context/types";
import { type EndpointConfig, type Sleep, streamChat } from "./client";
import type { ChatError } from "./errors";
import type { ChainRecord } from "./chain";
import type { ConversationMemory } from "./memory";
import { MEMORY_SHARE, buildPrompt, type Prompt, type Turn } from "./prompt";

export interface AskRequest {
  question: string;
  /** The conversation so far: its memory (summary and every turn), or plain earlier turns. */
  history: ConversationMemory | readonly Turn[];
  /** Tokens for the context package; conversation memory may use MEMORY_SHARE of it on top. */
  budget: number;
  encoding?: string;
  editor?: EditorFocus;
  /** Replaces retrieval (Explain Across Files builds its own package). */
  pack?: ContextPackage;
  /** A local model whose evaluator heads score and prune lines; without one the lexical scorer does. */
  scorer?: LineScoringModel;
  /** With `scorer`: order the file groups by its attention, strongest nearest the question. */
  attentionSort?: boolean;
}

export type AskEvent =
  | { type: "context"; pack: ContextPackage; prompt: Prompt }
  | { type: "delta"; text: string }
  | { type: "notice"; message: string };

/** Everything about one answered question; what the inspector shows and the history keeps. */
export interface AnswerRecord {
  question: string;
  answer: string;
  citations: Citation[];
  context: ContextPackage;
  prompt: Prompt;
  endpoint: { baseUrl: string; model: string };
  error?: ChatError;
  notices: string[];
  /** Deep Answer only: every call of the chain. */
  chain?: ChainRecord;
}

/** On "context length exceeded", the budget is cut to this share and the request tried once more. */
const SHRINK = 0.6;

/**
 * Answers a question: build the context (fresh for every turn), compose the
 * prompt, stream the answer, then check every citation against what was sent.
 * Errors come back in the record, never thrown.
 */
export async function ask(
  engine: ContextEngine,
  endpoint: EndpointConfig,
  request: AskRequest,
  onEvent: (e: AskEvent) => void,
  signal?: AbortSignal,
  sleep?: Sleep,
): Promise<AnswerRecord> {
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    onEvent({ type: "notice", message });
  };
  let budget = request.budget;
  for (let attempt = 0; ; attempt++) {
    const options = {
      budget,
      encoding: request.encoding,
      editor: request.editor,
      ...(request.attentionSort ? { attentionSort: true } : {}),
    };
    const pack =
      request.pack ??
      (request.scorer
        ? await engine.buildScored(request.question, options, request.scorer, signal)
        : engine.build(request.question, options));
    if (pack.scorer.kind === "lexical" && pack.scorer.fallback) notice(`Lexical scorer used: ${pack.scorer.fallback}`);
    const prompt = buildPrompt(
      request.question,
      pack,
      request.history,
      Math.floor(budget * MEMORY_SHARE),
      engine.counter(pack.encoding),
    );
    if (prompt.droppedTurns > 0) notice(`${prompt.droppedTurns} earlier turn(s) left out to stay within the budget.`);
    const earlier = prompt.memory.cited;
    onEvent({ type: "context", pack, prompt });
    const result = await streamChat(
      endpoint,
      prompt.messages,
      {
        onDelta: (text) => onEvent({ type: "delta", text }),
        onRetry: (error, n, waitMs) =>
          notice(`${error.message} Retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${n + 1}).`),
      },
      signal,
      sleep,
    );
    const base = {
      question: request.question,
      context: pack,
      prompt,
      endpoint: { baseUrl: endpoint.baseUrl, model: endpoint.model },
      notices,
    };
    if (result.ok) return { ...base, answer: result.text, citations: citationsOf(result.text, pack, earlier) };
    if (result.error.code === "context_length" && attempt === 0 && !result.partial && !request.pack) {
      budget = Math.floor(budget * SHRINK);
      notice(`The model's context window is smaller than the request; retrying once with a ${budget}-token context.`);
      continue;
    }
    return {
      ...base,
      answer: result.partial,
      citations: citationsOf(result.partial, pack, earlier),
      error: result.error,
    };
  }
}
