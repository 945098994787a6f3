import { citationsOf, type Citation } from "../../citations";
import type { ContextEngine } from "../../context/context-engine";
import type { ContextPackage, ContextSpan, EditorFocus } from "../../context/types";
import type { AnswerRecord } from "../ask";
import { type ChatMessage, type EndpointConfig, type Sleep, streamChat } from "../client";
import type { ChatError } from "../errors";
import type { Prompt } from "../prompt";
import { splitIntoChunks, type Chunk } from "./chunks";
import { managerMessages, workerMessages } from "./prompts";

/** Candidates are gathered up to this many times the budget, then read chunk by chunk. */
export const DEEP_FACTOR = 6;
/** Room left in each worker's prompt for the previous unit; also the unit's output limit. */
const UNIT_TOKENS = 600;

export interface DeepRequest {
  question: string;
  /** Tokens one worker may read: the user's context budget. */
  budget: number;
  encoding?: string;
  editor?: EditorFocus;
  /** The candidates, when the caller gathered them (Explain Across Files); otherwise ranked here up to DEEP_FACTOR × budget. */
  pool?: ContextPackage;
}

/** What a Deep Answer will cost, known before the first call. */
export interface DeepEstimate {
  chunks: number;
  calls: number;
  /** Prompt tokens of all calls, counting each unit at its limit. */
  promptTokens: number;
  /** Output tokens at most: every unit at its limit, plus the answer. */
  maxOutputTokens: number;
}

/** One call of the chain, as the inspector shows it. */
export interface ChainCall {
  role: "worker" | "manager";
  /** The chunk a worker read (1-based). */
  chunk?: number;
  messages: ChatMessage[];
  promptTokens: number;
  output: string;
  outputTokens: number;
  /** The unit's citations, checked against the worker's own chunk. */
  citations?: Citation[];
}

export interface ChainRecord {
  estimate: DeepEstimate;
  chunks: { index: number; tokens: number; spans: string[] }[];
  calls: ChainCall[];
  used: { promptTokens: number; outputTokens: number };
  /** Spans too large for a worker's chunk, never read. */
  unread: string[];
  /** For each span sent, the worker (chunk) that read it. */
  seenBy: Record<string, number>;
}

export type DeepEvent =
  | { type: "plan"; estimate: DeepEstimate; pack: ContextPackage; seenBy: Record<string, number> }
  | { type: "progress"; chunk: number; of: number }
  | { type: "unit"; chunk: number; text: string }
  | { type: "delta"; text: string }
  | { type: "notice"; message: string };

export interface DeepAnswerRecord extends AnswerRecord {
  chain: ChainRecord;
}

export type { AnswerRecord };

/**
 * Chain-of-Agents: the ranked candidates, well beyond one budget, are cut into chunks that
 * each fit a worker's budget. Workers read them in order, each passing a short communication
 * unit (notes with citations) to the next; the manager writes the answer from the last unit
 * and never sees a chunk. Citations are checked against everything any worker was sent.
 * Errors come back in the record; cancelling stops before the next call.
 */
export async function deepAnswer(
  engine: ContextEngine,
  endpoint: EndpointConfig,
  request: DeepRequest,
  onEvent: (e: DeepEvent) => void,
  signal?: AbortSignal,
  sleep?: Sleep,
): Promise<DeepAnswerRecord> {
  const counter = engine.counter(request.encoding);
  const pool =
    request.pool ??
    engine.build(request.question, {
      budget: request.budget * DEEP_FACTOR,
      encoding: request.encoding,
      editor: request.editor,
      // Strongest first: the chain carries what early workers find to the end.
      order: "score",
    });
  const tokensIn = (messages: readonly ChatMessage[]) => messages.reduce((n, m) => n + counter.count(m.content), 0);
  const workerSkeleton = tokensIn(workerMessages(request.question, "", ""));
  // A worker's prompt is its chunk, the previous unit and the question: together one budget.
  const unitTokens = Math.min(UNIT_TOKENS, Math.floor(request.budget / 4));
  const chunkBudget = Math.max(200, request.budget - unitTokens - workerSkeleton);
  const { chunks, left } = splitIntoChunks(pool, chunkBudget, counter);
  const sent = sentPackage(pool, chunks);
  const managerSkeleton = tokensIn(managerMessages(request.question, "", chunks.length));
  const estimate: DeepEstimate = {
    chunks: chunks.length,
    calls: chunks.length + 1,
    promptTokens:
      chunks.reduce((n, c) => n + workerSkeleton + c.tokens + (c.index > 1 ? unitTokens : 0), 0) +
      managerSkeleton +
      unitTokens,
    maxOutputTokens: chunks.length * Math.min(unitTokens, endpoint.maxOutputTokens) + endpoint.maxOutputTokens,
  };
  const seenBy: Record<string, number> = {};
  for (const c of chunks) for (const s of c.spans) seenBy[s.id] = c.index;
  onEvent({ type: "plan", estimate, pack: sent, seenBy });
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    onEvent({ type: "notice", message });
  };
  // The cost, before the first call: every host shows the core's notices as they come.
  notice(describeEstimate(estimate, request.budget));
  if (left.length > 0)
    notice(
      `${left.length} span(s) larger than a worker's budget were not read: ${left.map((s) => s.symbol ?? s.file).join(", ")}.`,
    );
  const calls: ChainCall[] = [];
  const chain = (): ChainRecord => ({
    estimate,
    chunks: chunks.map((c) => ({ index: c.index, tokens: c.tokens, spans: c.spans.map((s) => s.id) })),
    calls,
    used: {
      promptTokens: calls.reduce((n, c) => n + c.promptTokens, 0),
      outputTokens: calls.reduce((n, c) => n + c.outputTokens, 0),
    },
    unread: left.map((s) => s.id),
    seenBy,
  });
  const prompt = (messages: ChatMessage[], input: "context" | "notes"): Prompt => ({
    messages,
    // Empty when cancelled before the first call.
    sections: messages.length
      ? [
          { name: "system", tokens: counter.count(messages[0]!.content) },
          { name: input, tokens: counter.count(messages[1]!.content) },
        ]
      : [],
    tokens: tokensIn(messages),
    droppedTurns: 0,
    memory: { messages: [], turns: [], summaryTokens: 0, turnTokens: 0, dropped: 0, cited: [] },
  });
  const finish = (answer: string, lastPrompt: ChatMessage[], error?: ChatError): DeepAnswerRecord => {
    const record = chain();
    // What the calls used, however the chain ended.
    notice(describeUsage(record));
    return {
      question: request.question,
      answer,
      citations: citationsOf(answer, sent),
      context: sent,
      prompt: prompt(lastPrompt, lastPrompt === workerPrompt ? "context" : "notes"),
      endpoint: { baseUrl: endpoint.baseUrl, model: endpoint.model },
      notices,
      ...(error ? { error } : {}),
      chain: record,
    };
  };
  const cancelled = (): ChatError => ({ code: "cancelled", message: "Stopped.", retryable: false });
  const retry = (error: ChatError, n: number, waitMs: number) =>
    notice(`${error.message} Retrying in ${Math.ceil(waitMs / 1000)} s (attempt ${n + 1}).`);

  let unit: string | undefined;
  let last: ChatMessage[] = [];
  let workerPrompt: ChatMessage[] | undefined;
  for (const c of chunks) {
    if (signal?.aborted) return finish("", last, cancelled());
    onEvent({ type: "progress", chunk: c.index, of: chunks.length });
    last = workerPrompt = workerMessages(request.question, c.text, unit);
    const result = await streamChat(
      { ...endpoint, maxOutputTokens: Math.min(unitTokens, endpoint.maxOutputTokens) },
      last,
      { onDelta: () => undefined, onRetry: retry },
      perCall(signal),
      sleep,
    );
    const output = result.ok ? result.text : result.partial;
    calls.push({
      role: "worker",
      chunk: c.index,
      messages: last,
      promptTokens: tokensIn(last),
      output,
      outputTokens: counter.count(output),
      citations: citationsOf(output, { spans: c.spans }),
    });
    if (!result.ok) return finish("", last, result.error);
    unit = result.text.trim();
    onEvent({ type: "unit", chunk: c.index, text: unit });
  }
  if (signal?.aborted) return finish("", last, cancelled());
  last = managerMessages(request.question, unit ?? "(no code was found for this question)", chunks.length);
  const result = await streamChat(
    endpoint,
    last,
    { onDelta: (text) => onEvent({ type: "delta", text }), onRetry: retry },
    perCall(signal),
    sleep,
  );
  const output = result.ok ? result.text : result.partial;
  calls.push({
    role: "manager",
    messages: last,
    promptTokens: tokensIn(last),
    output,
    outputTokens: counter.count(output),
  });
  return finish(output, last, result.ok ? undefined : result.error);
}

/** The union of what the workers were sent, as one package: what the answer's citations are checked against. */
function sentPackage(pool: ContextPackage, chunks: readonly Chunk[]): ContextPackage {
  const spans: ContextSpan[] = chunks.flatMap((c) => c.spans);
  // The chunks carry no "Recent history": its commits were not sent, so they cannot be cited.
  const { commits: _unsent, ...rest } = pool;
  return {
    ...rest,
    text: chunks.map((c) => c.text).join("\n"),
    tokens: chunks.reduce((n, c) => n + c.tokens, 0),
    spans,
  };
}

/** Which worker saw a citation's lines: the chunk that held its span. */
export function workerOf(chain: Pick<ChainRecord, "seenBy">, citation: Pick<Citation, "id">): number | undefined {
  return citation.id ? chain.seenBy[citation.id] : undefined;
}

/** A signal per call that follows the chain's: the HTTP client leaves a listener on each signal it is given. */
function perCall(signal: AbortSignal | undefined): AbortSignal | undefined {
  return signal ? AbortSignal.any([signal]) : undefined;
}

/** Whether a call path's own spans (those pinned as on the path) take more than one budget. */
export function pathExceedsBudget(pack: Pick<ContextPackage, "spans">, budget: number): boolean {
  let tokens = 0;
  for (const s of pack.spans) if (s.reasons.some((r) => r.kind === "explain")) tokens += s.tokens;
  return tokens > budget;
}

const n = (x: number) => x.toLocaleString("en-US");

/** The cost announced before the first call, the same words in every host. */
function describeEstimate(e: DeepEstimate, budget: number): string {
  return (
    `Deep Answer: ${e.chunks} chunk${e.chunks === 1 ? "" : "s"} (a prompt of up to ${n(budget)} tokens each), ` +
    `${e.calls} calls, about ${n(e.promptTokens)} prompt tokens and at most ${n(e.maxOutputTokens)} output tokens.`
  );
}

/** What the calls used, once finished. */
function describeUsage(chain: Pick<ChainRecord, "used" | "calls">): string {
  return `Deep Answer used ${n(chain.used.promptTokens)} prompt + ${n(chain.used.outputTokens)} output tokens in ${chain.calls.length} calls.`;
}
