import OpenAI from "openai";
import { classifyError, type ChatError, type EndpointInfo } from "./errors";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface EndpointConfig extends EndpointInfo {
  apiKey?: string;
  maxOutputTokens: number;
  timeoutMs: number;
  /** Attempts after the first, for 429 and 5xx. */
  maxRetries: number;
}

export interface StreamCallbacks {
  onDelta(text: string): void;
  /** Called before waiting to retry, so the UI can say why it pauses. */
  onRetry?(error: ChatError, attempt: number, waitMs: number): void;
}

export type StreamResult =
  { ok: true; text: string; finishReason?: string } | { ok: false; error: ChatError; partial: string };

/** Waits between retries; injectable so tests need not sleep. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/**
 * Streams one chat completion from an OpenAI-compatible endpoint. Retries
 * 429 and 5xx with exponential backoff (honouring `retry-after`) before any
 * text has arrived; aborting the signal really aborts the HTTP request.
 */
export async function streamChat(
  config: EndpointConfig,
  messages: readonly ChatMessage[],
  callbacks: StreamCallbacks,
  signal?: AbortSignal,
  sleep: Sleep = realSleep,
): Promise<StreamResult> {
  const client = new OpenAI({
    baseURL: config.baseUrl,
    // Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
    apiKey: config.apiKey || "not-needed",
    timeout: config.timeoutMs,
    maxRetries: 0,
  });
  let text = "";
  for (let attempt = 0; ; attempt++) {
    const idle = new IdleTimeout(config.timeoutMs, signal);
    try {
      const stream = await client.chat.completions.create(
        { model: config.model, messages: [...messages], stream: true, max_tokens: config.maxOutputTokens },
        { signal: idle.signal },
      );
      let finishReason: string | undefined;
      idle.arm();
      for await (const chunk of stream) {
        idle.arm();
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          callbacks.onDelta(delta);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      }
      // An aborted stream may end quietly instead of throwing: it is still a stop, not an answer.
      if (signal?.aborted)
        return { ok: false, error: classifyError(new OpenAI.APIUserAbortError(), config), partial: text };
      if (idle.fired)
        return { ok: false, error: classifyError(new OpenAI.APIConnectionTimeoutError(), config), partial: text };
      return { ok: true, text, finishReason };
    } catch (e) {
      const error = classifyError(
        signal?.aborted ? new OpenAI.APIUserAbortError() : idle.fired ? new OpenAI.APIConnectionTimeoutError() : e,
        config,
      );
      if (!error.retryable || attempt >= config.maxRetries || text.length > 0 || signal?.aborted) {
        return { ok: false, error, partial: text };
      }
      const waitMs = error.retryAfter !== undefined ? error.retryAfter * 1000 : 1000 * 2 ** attempt;
      callbacks.onRetry?.(error, attempt + 1, waitMs);
      await sleep(Math.min(waitMs, 60_000), signal);
      if (signal?.aborted)
        return { ok: false, error: classifyError(new OpenAI.APIUserAbortError(), config), partial: text };
    } finally {
      idle.dispose();
    }
  }
}

/**
 * The endpoint's timeout between one sign of life and the next. The client's own timeout ends once
 * the response headers arrive, so a server that sends them and then stalls (a model still loading,
 * a proxy holding the stream) would otherwise keep the question waiting until the user stops it.
 * Its signal aborts the request when the user's signal does, or when `ms` pass without a chunk.
 */
class IdleTimeout {
  private readonly timeout = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  readonly signal: AbortSignal;
  fired = false;

  constructor(
    private readonly ms: number,
    user: AbortSignal | undefined,
  ) {
    this.signal = user ? AbortSignal.any([user, this.timeout.signal]) : this.timeout.signal;
  }

  /** Starts (or restarts) the wait for the next chunk. */
  arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.timeout.abort();
    }, this.ms);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
