import OpenAI from "openai";
import { err, ok, type Result } from "../result";
import { classifyError, type ChatError } from "./errors";

export interface ModelListRequest {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
}

/**
 * The models an endpoint serves, from `GET /models` (OpenAI, Ollama, LM Studio,
 * llama.cpp and vLLM all answer it), sorted. A failure comes back as a
 * `ChatError`, so the caller can fall back to typing a name.
 */
export async function listModels(
  request: ModelListRequest,
  signal?: AbortSignal,
): Promise<Result<string[], ChatError>> {
  const client = new OpenAI({
    baseURL: request.baseUrl,
    // Local servers need no key, but the client insists on one.
    apiKey: request.apiKey || "not-needed",
    timeout: request.timeoutMs,
    maxRetries: 0,
    dangerouslyAllowBrowser: false,
  });
  try {
    const ids: string[] = [];
    for await (const model of client.models.list({ signal })) ids.push(model.id);
    return ok([...new Set(ids)].sort((a, b) => a.localeCompare(b)));
  } catch (e) {
    return err(classifyError(e, { baseUrl: request.baseUrl, model: "" }));
  }
}
