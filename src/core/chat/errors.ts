import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";

export type ChatErrorCode =
  | "cancelled"
  | "unauthorized"
  | "forbidden"
  | "model_not_found"
  | "rate_limited"
  | "server_error"
  | "network"
  | "timeout"
  | "context_length"
  | "bad_request"
  | "no_model";

export interface ChatError {
  code: ChatErrorCode;
  message: string;
  /** Worth trying again after a pause (429, 5xx). */
  retryable: boolean;
  /** Seconds the server asked us to wait, from `retry-after`. */
  retryAfter?: number;
}

export interface EndpointInfo {
  baseUrl: string;
  model: string;
}

/** Turns anything the client threw into a clear, actionable message. Never includes the API key. */
export function classifyError(e: unknown, endpoint: EndpointInfo): ChatError {
  if (e instanceof APIUserAbortError || (e instanceof Error && e.name === "AbortError")) {
    return { code: "cancelled", message: "Stopped.", retryable: false };
  }
  if (e instanceof APIConnectionTimeoutError) {
    return {
      code: "timeout",
      message: `The request to ${endpoint.baseUrl} timed out. The server may be overloaded, or the model still loading; try again, or raise threadline.chat.timeoutSeconds.`,
      retryable: false,
    };
  }
  if (e instanceof APIConnectionError) {
    return {
      code: "network",
      message: `Cannot reach ${endpoint.baseUrl}: ${causeOf(e)}. Check threadline.chat.baseUrl and that the server is running.`,
      retryable: false,
    };
  }
  if (e instanceof APIError) {
    const status = e.status ?? 0;
    const detail = errorDetail(e);
    const retryAfter = retryAfterSeconds(e.headers);
    if (isContextLength(e)) {
      return {
        code: "context_length",
        message: `The model's context window is too small for this request: ${detail}`,
        retryable: false,
      };
    }
    if (status === 401) {
      return {
        code: "unauthorized",
        message: `${endpoint.baseUrl} rejected the API key (401). Run "Threadline: Set API Key" to store a valid key.`,
        retryable: false,
      };
    }
    if (status === 403) {
      return {
        code: "forbidden",
        message: `${endpoint.baseUrl} refused the request (403): ${detail}`,
        retryable: false,
      };
    }
    if (status === 404) {
      return {
        code: "model_not_found",
        message: `Model "${endpoint.model}" was not found at ${endpoint.baseUrl} (404). Check threadline.chat.model and the base URL (it usually ends in /v1).`,
        retryable: false,
      };
    }
    if (status === 429) {
      return {
        code: "rate_limited",
        message: `Rate limited by ${endpoint.baseUrl} (429): ${detail}`,
        retryable: true,
        retryAfter,
      };
    }
    if (status >= 500) {
      return {
        code: "server_error",
        message: `${endpoint.baseUrl} failed (${status}): ${detail}`,
        retryable: true,
        retryAfter,
      };
    }
    return {
      code: "bad_request",
      message: `${endpoint.baseUrl} rejected the request (${status}): ${detail}`,
      retryable: false,
    };
  }
  return { code: "network", message: e instanceof Error ? e.message : String(e), retryable: false };
}

function isContextLength(e: APIError): boolean {
  const text = `${e.code ?? ""} ${errorDetail(e)}`;
  return (
    e.code === "context_length_exceeded" ||
    /context[_ ]length|maximum context|context window|too many tokens|prompt is too long|exceeds the (?:maximum|max)/i.test(
      text,
    )
  );
}

function errorDetail(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  const message = typeof body?.message === "string" ? body.message : e.message;
  return message.replace(/^\d{3}\s+/, "").slice(0, 300);
}

function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, n);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, (date - Date.now()) / 1000) : undefined;
}

function causeOf(e: Error): string {
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return e.message;
}
