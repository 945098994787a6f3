/**
 * The one message protocol between the extension host and its webviews.
 * Each map names a message (`area/verb`) and its payload; both sides import
 * these types, so a changed payload fails to compile on both. Plain data only.
 */

export interface IndexStatusDto {
  state: "indexing" | "ready" | "failed";
  done: number;
  total: number;
  files: number;
  symbols: number;
  message?: string;
}

export interface CitationDto {
  /** Where the citation sits in the answer text. */
  offset: number;
  length: number;
  text: string;
  valid: boolean;
  reason: string;
  id?: string;
  file?: string;
  start?: number;
  end?: number;
  /** The cited lines, for the hover preview (valid citations only, capped). */
  preview?: string;
  /** The symbol of the span cited, when it is one (`Scaffold.__init__`). */
  symbol?: string;
  /** A cited commit of the context's "Recent history": short id, date and subject. */
  commit?: { id: string; short: string; date: string; subject: string };
  /** The cited lines were sent in this earlier turn (conversation memory), not in this answer's context. */
  turn?: number;
  /** Deep Answer: the worker (chunk) that read the cited lines. */
  worker?: number;
}

/** What the user can do about a failed answer; the webview shows one button each. */
export type ErrorActionDto = "retry" | "openSettings" | "setApiKey" | "chooseModel" | "trust";

export interface ContextSummaryDto {
  spans: number;
  tokens: number;
  uncompressedTokens: number;
  budget: number;
  scorer: string;
  /** What of the conversation's memory went in: its summary, and earlier turns recalled as relevant. */
  memory?: { summary: boolean; recalled: number[] };
  /** Deep Answer: chunks read, calls, and the tokens the calls used (once finished). */
  deep?: { chunks: number; calls: number; usedTokens?: number };
}

export interface TurnDto {
  id: string;
  question: string;
  answer: string;
  citations: CitationDto[];
  context?: ContextSummaryDto;
  notices: string[];
  error?: { code: string; message: string; actions?: ErrorActionDto[] };
  /** Still streaming. */
  pending?: boolean;
}

export interface EndpointPresetDto {
  id: string;
  label: string;
  baseUrl: string;
  needsKey: boolean;
}

export interface ChatStateDto {
  turns: TurnDto[];
  busy: boolean;
  /** Why the chat cannot be used right now (untrusted workspace, no endpoint), if so. */
  blocked?: string;
  /** Restricted Mode: the banner offers to trust the workspace. */
  untrusted?: boolean;
  /** The active endpoint: its preset's name (or host) for the header, and the model. */
  endpoint: { baseUrl: string; label: string; model: string; hasKey: boolean };
  presets: EndpointPresetDto[];
}

export type HostToWebview = {
  "index/status": IndexStatusDto;
  "chat/state": ChatStateDto;
  "chat/turnStarted": { turn: TurnDto };
  /** A piece of the answer, with every citation of the answer so far checked against the context. */
  "chat/delta": { turnId: string; text: string; citations?: CitationDto[] };
  "chat/notice": { turnId: string; message: string };
  "chat/context": { turnId: string; context: ContextSummaryDto };
  /** What a long answer is doing now ("Reading chunk 3 of 5"); replaced by the answer when it streams. */
  "chat/progress": { turnId: string; message: string };
  "chat/done": { turn: TurnDto };
};

export type WebviewToHost = {
  "webview/ready": Record<string, never>;
  "index/rebuild": Record<string, never>;
  /** `deep`: answer with Deep Answer (Chain-of-Agents) instead of one call. */
  "chat/ask": { question: string; deep?: boolean };
  "chat/stop": Record<string, never>;
  "chat/new": Record<string, never>;
  "citation/open": { turnId: string; index: number };
  "context/inspect": { turnId: string };
  "chat/retry": { turnId: string };
  "endpoint/preset": { id: string };
  "endpoint/choose": Record<string, never>;
  "endpoint/chooseModel": Record<string, never>;
  "endpoint/setKey": Record<string, never>;
  "settings/open": Record<string, never>;
  "workspace/trust": Record<string, never>;
  "clipboard/copy": { text: string };
  "editor/insert": { text: string };
};

/** The inspector's page: what was (or would be) sent. The model is built by core; this is its JSON. */
export type InspectorToHost = {
  "inspector/ready": Record<string, never>;
  "inspector/open": { file: string; start: number; end: number };
  "inspector/copyPrompt": Record<string, never>;
  "inspector/export": { format: "json" | "markdown" };
};

/** Everything the context inspector shows, as plain data. */
export interface InspectorModelDto {
  question: string;
  /** True for a dry run: built and inspected, never sent. */
  dryRun: boolean;
  endpoint?: { baseUrl: string; model: string };
  messages: { role: "system" | "user" | "assistant"; content: string; tokens: number }[];
  sections: { name: string; tokens: number }[];
  totalTokens: number;
  contextBudget: number;
  compression: { before: number; after: number; ratio: number };
  scorer: string;
  /** What history the ranking had: "1,897 commits", or why none ("still being read …"). */
  history?: string;
  /** The conversation memory in this prompt: the running summary and each earlier turn, with why it is there. */
  memory?: {
    summary?: { text: string; through: number; tokens: number };
    turns: { turn: number; question: string; how: "latest" | "recalled" | "recent"; tokens: number; why?: string[] }[];
    dropped: number;
  };
  /** Deep Answer: every call of the chain, each worker's chunk (its spans) and unit. */
  chain?: {
    estimate: { chunks: number; calls: number; promptTokens: number; maxOutputTokens: number };
    used: { promptTokens: number; outputTokens: number };
    calls: {
      role: "worker" | "manager";
      chunk?: number;
      spans: string[];
      promptTokens: number;
      outputTokens: number;
      output: string;
      messages: { role: "system" | "user" | "assistant"; content: string }[];
    }[];
  };
  /** Set when the files were ordered by the local model's attention (Attention Sorting): each file's mass, in the order sent. */
  attentionOrder?: { file: string; mass: number }[];
  /** The context's "Recent history" commits, as listed. */
  commits?: { id: string; short: string; date: string; subject: string; symbols: string[] }[];
  spans: {
    id: string;
    file: string;
    symbol?: string;
    ranges: [number, number][];
    detail: "full" | "elided" | "pruned" | "signatures";
    score: number;
    tokens: number;
    reasons: string[];
    /** Shown lines with their importance, for the heat map. */
    lines: { n: number; text: string; score: number }[];
  }[];
  pruned: { file: string; ranges: [number, number][]; symbol?: string; reason: string }[];
}

export type HostToInspector = {
  "inspector/model": InspectorModelDto;
};

export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];

export const ENDPOINT_PRESETS: readonly EndpointPresetDto[] = [
  { id: "openai", label: "OpenAI", baseUrl: "https://api.openai.com/v1", needsKey: true },
  { id: "ollama", label: "Ollama", baseUrl: "http://localhost:11434/v1", needsKey: false },
  { id: "lmstudio", label: "LM Studio", baseUrl: "http://localhost:1234/v1", needsKey: false },
  { id: "llamacpp", label: "llama.cpp", baseUrl: "http://localhost:8080/v1", needsKey: false },
  { id: "vllm", label: "vLLM", baseUrl: "http://localhost:8000/v1", needsKey: false },
];

/** The preset that asks for any base URL. */
export const CUSTOM_PRESET: EndpointPresetDto = { id: "custom", label: "Custom URL…", baseUrl: "", needsKey: false };
