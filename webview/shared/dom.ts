import type { Envelope } from "../../src/protocol/messages";

/** The VS Code webview API, typed by the messages this page sends. */
export interface VsCodeApi<Out> {
  postMessage(msg: Envelope<Out>): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi<Out>(): VsCodeApi<Out>;

/** Acquires the API once (VS Code allows only one call) and returns a typed sender. */
export function connect<Out>(): { api: VsCodeApi<Out>; send: <K extends keyof Out>(type: K, payload: Out[K]) => void } {
  const api = acquireVsCodeApi<Out>();
  return { api, send: (type, payload) => api.postMessage({ type, payload } as Envelope<Out>) };
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
