/**
 * The one message protocol between the extension host and its webviews.
 * Each map names a message (`area/verb`) and its payload; both sides import
 * these types, so a changed payload fails to compile on both.
 */

export interface IndexStatusDto {
  state: "indexing" | "ready" | "failed";
  done: number;
  total: number;
  files: number;
  symbols: number;
  message?: string;
}

export type HostToWebview = {
  "index/status": IndexStatusDto;
};

export type WebviewToHost = {
  "webview/ready": Record<string, never>;
  "index/rebuild": Record<string, never>;
};

export type Envelope<M> = { [K in keyof M]: { type: K; payload: M[K] } }[keyof M];
