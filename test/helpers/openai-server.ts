import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local OpenAI-compatible server for tests. The requested model name picks
 * the behaviour, so one server serves every scenario:
 *   ok            streams the scripted answer as server-sent events
 *   slow          streams one word every 50 ms (for Stop)
 *   401 | 404 | 500 | 429-once | 500-once | ctx-small
 */
export interface TestServer {
  baseUrl: string;
  /** Bodies of the chat requests received, in order. */
  requests: { model: string; messages: { role: string; content: string }[]; max_tokens?: number }[];
  /** Requests whose client went away before the response ended. */
  aborted: number;
  answer: string;
  close(): Promise<void>;
}

/** What `GET /models` lists: the behaviours a test can pick by name. */
export const MODELS = ["auto", "ok", "slow", "401", "404", "500", "429-once", "500-once", "ctx-small"];

/** For model "auto": picks the behaviour and answer from the question (end-to-end tests drive it from the UI). */
export type Router = (
  question: string,
  messages: { role: string; content: string }[],
) => { behaviour: string; answer?: string };

export async function startTestServer(
  answer = "The refund is the total minus the fee [S1:5-9].",
  router?: Router,
): Promise<TestServer> {
  const state: TestServer = { baseUrl: "", requests: [], aborted: 0, answer, close: async () => undefined };
  const seen = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.method === "GET" && req.url?.endsWith("/models")) {
        if (req.headers.authorization === "Bearer sk-bad") {
          res.writeHead(401, { "content-type": "application/json" });
          res.end(JSON.stringify({ error: { message: "Incorrect API key provided", code: "invalid_api_key" } }));
          return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ object: "list", data: MODELS.map((id) => ({ id, object: "model", owned_by: "test" })) }),
        );
        return;
      }
      if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body);
      state.requests.push(parsed);
      let model: string = parsed.model;
      let answerText = state.answer;
      if (model === "auto" && router) {
        const last = String(parsed.messages.at(-1)?.content ?? "");
        const at = last.lastIndexOf("Question: ");
        const routed = router(at >= 0 ? last.slice(at + "Question: ".length) : last, parsed.messages);
        model = routed.behaviour;
        if (routed.answer) answerText = routed.answer;
      }
      const count = (seen.get(model) ?? 0) + 1;
      seen.set(model, count);
      const error = (
        status: number,
        message: string,
        code: string | null = null,
        headers: Record<string, string> = {},
      ) =>
        res
          .writeHead(status, { "content-type": "application/json", ...headers })
          .end(JSON.stringify({ error: { message, type: "invalid_request_error", code } }));
      if (model === "401") return error(401, "Incorrect API key provided: sk-test****", "invalid_api_key");
      if (model === "404") return error(404, `The model '${model}' does not exist`, "model_not_found");
      if (model === "500") return error(500, "The server had an error while processing your request.");
      if (model === "429-once" && count === 1)
        return error(429, "Rate limit reached for requests", "rate_limit_exceeded", { "retry-after": "0" });
      if (model === "500-once" && count === 1) return error(503, "Service temporarily unavailable");
      if (model === "ctx-small") {
        const size = JSON.stringify(parsed.messages).length;
        if (size > 1500) {
          return error(
            400,
            `This model's maximum context length is 400 tokens. However, your messages resulted in ${size} tokens.`,
            "context_length_exceeded",
          );
        }
      }
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      const words = answerText.split(/(?<= )/);
      let i = 0;
      let closed = false;
      res.on("close", () => {
        if (!res.writableEnded) {
          closed = true;
          state.aborted++;
        }
      });
      const chunk = (delta: object, finish: string | null = null) =>
        `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: "assistant", content: "" }));
      const send = () => {
        if (closed) return;
        if (i < words.length) {
          res.write(chunk({ content: words[i++] }));
          setTimeout(send, model === "slow" ? 50 : 0);
        } else {
          res.write(chunk({}, "stop"));
          res.end("data: [DONE]\n\n");
        }
      };
      send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}/v1`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
