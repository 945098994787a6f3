import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-textarea/index.js";
import type { VscodeTextarea } from "@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js";
import type {
  ChatStateDto,
  CitationDto,
  ContextSummaryDto,
  Envelope,
  HostToWebview,
  IndexStatusDto,
  TurnDto,
  WebviewToHost,
} from "../../src/protocol/messages";
import { connect, el } from "../shared/dom";
import { CITATION_MARK, citationMark, renderMarkdown } from "./markdown";

const { api: vscode, send } = connect<WebviewToHost>();
const savedDraft = (vscode.getState() as { draft?: string } | undefined)?.draft;

// ---- layout -----------------------------------------------------------------
const root = document.getElementById("root")!;
const header = el("div", "header");
const status = el("span", "status");
status.setAttribute("role", "status");
const newChat = document.createElement("vscode-button");
newChat.setAttribute("icon", "add");
newChat.setAttribute("secondary", "");
newChat.textContent = "New Chat";
newChat.addEventListener("click", () => send("chat/new", {}));
header.append(status, newChat);
const banner = el("div", "banner");
banner.hidden = true;
const log = el("div", "log");
log.setAttribute("aria-live", "polite");
const composer = el("div", "composer");
const input = document.createElement("vscode-textarea") as VscodeTextarea;
input.setAttribute("placeholder", "Ask about this codebase… (Enter to send, Shift+Enter for a new line)");
input.setAttribute("rows", "3");
input.setAttribute("resize", "vertical");
input.setAttribute("aria-label", "Question");
input.value = savedDraft ?? "";
const sendButton = document.createElement("vscode-button");
sendButton.setAttribute("icon", "send");
sendButton.textContent = "Ask";
const stopButton = document.createElement("vscode-button");
stopButton.setAttribute("icon", "debug-stop");
stopButton.setAttribute("secondary", "");
stopButton.textContent = "Stop";
stopButton.hidden = true;
composer.append(input, sendButton, stopButton);
root.append(header, banner, log, composer);

let state: ChatStateDto | undefined;
const turnViews = new Map<string, TurnView>();

function submit(): void {
  const question = input.value.trim();
  if (!question || state?.busy) return;
  send("chat/ask", { question });
  input.value = "";
  vscode.setState({ draft: "" });
}
sendButton.addEventListener("click", submit);
stopButton.addEventListener("click", () => send("chat/stop", {}));
input.addEventListener("keydown", (e: KeyboardEvent) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  }
});
input.addEventListener("input", () => vscode.setState({ draft: input.value }));

// ---- turns ------------------------------------------------------------------
class TurnView {
  readonly root = el("section", "turn");
  private readonly answer = el("div", "answer markdown");
  private readonly notices = el("div", "notices");
  private readonly footer = el("div", "footer");
  private text = "";
  private frame = 0;

  constructor(private turn: TurnDto) {
    const q = el("div", "question", turn.question);
    this.root.append(q, this.notices, this.answer, this.footer);
    this.update(turn);
  }

  append(delta: string): void {
    this.text += delta;
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.answer.innerHTML = renderMarkdown(this.text);
        this.answer.classList.add("streaming");
        scrollToEnd();
      });
    }
  }

  notice(message: string): void {
    this.notices.append(el("div", "notice", message));
  }

  context(summary: ContextSummaryDto): void {
    this.renderFooter(summary);
  }

  update(turn: TurnDto): void {
    this.turn = turn;
    this.text = turn.answer;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.answer.classList.toggle("streaming", !!turn.pending);
    this.notices.replaceChildren(...turn.notices.map((n) => el("div", "notice", n)));
    if (turn.pending) {
      this.answer.innerHTML = this.text ? renderMarkdown(this.text) : "";
      if (!this.text) this.answer.append(el("span", "thinking", "Gathering context…"));
    } else {
      this.answer.innerHTML = renderMarkdown(withMarks(turn.answer, turn.citations));
      replaceMarks(this.answer, turn);
    }
    if (turn.error && turn.error.code !== "cancelled") {
      const error = el("div", "error", turn.error.message);
      error.setAttribute("role", "alert");
      this.answer.append(error);
      if (turn.error.code === "unauthorized") {
        const fix = document.createElement("vscode-button");
        fix.textContent = "Set API Key";
        fix.addEventListener("click", () => send("endpoint/setKey", {}));
        error.append(" ", fix);
      }
    } else if (turn.error?.code === "cancelled") {
      this.answer.append(el("div", "notice", "Stopped."));
    }
    if (turn.context) this.renderFooter(turn.context);
  }

  private renderFooter(c: ContextSummaryDto): void {
    const link = el("a", "inspect", "inspect");
    link.href = "#";
    link.title = "Show exactly what was sent";
    link.addEventListener("click", (e) => {
      e.preventDefault();
      send("context/inspect", { turnId: this.turn.id });
    });
    const compressed = c.uncompressedTokens > c.tokens ? ` (from ${c.uncompressedTokens} before compression)` : "";
    this.footer.replaceChildren(
      el("span", undefined, `context: ${c.spans} spans · ${c.tokens} tokens${compressed} · ${c.scorer} · `),
      link,
    );
  }
}

/** Puts a mark where each citation is, back to front so offsets stay right. */
function withMarks(answer: string, citations: CitationDto[]): string {
  let text = answer;
  const order = citations.map((c, i) => ({ c, i })).sort((a, b) => b.c.offset - a.c.offset);
  let limit = Infinity;
  for (const { c, i } of order) {
    if (c.offset + c.length > limit) continue;
    text = text.slice(0, c.offset) + citationMark(i) + text.slice(c.offset + c.length);
    limit = c.offset;
  }
  return text;
}

/** Replaces the marks with chips: valid ones open the file, invalid ones say why. */
function replaceMarks(container: HTMLElement, turn: TurnDto): void {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  while (walker.nextNode()) nodes.push(walker.currentNode as Text);
  for (const node of nodes) {
    const value = node.nodeValue ?? "";
    if (!CITATION_MARK.test(value)) continue;
    CITATION_MARK.lastIndex = 0;
    const parts: Node[] = [];
    let at = 0;
    for (const m of value.matchAll(CITATION_MARK)) {
      parts.push(document.createTextNode(value.slice(at, m.index)));
      const index = Number(m[1]);
      parts.push(chip(turn, index));
      at = m.index + m[0].length;
    }
    parts.push(document.createTextNode(value.slice(at)));
    node.replaceWith(...parts);
  }
}

function chip(turn: TurnDto, index: number): HTMLElement {
  const c = turn.citations[index]!;
  if (!c.valid || !c.file) {
    const bad = el("span", "chip invalid", c.text);
    bad.title = `Unverified citation: ${c.reason}`;
    bad.setAttribute("aria-label", `Unverified citation ${c.text}: ${c.reason}`);
    bad.tabIndex = 0;
    return bad;
  }
  const name = c.file.split("/").pop()!;
  const label = c.start === undefined ? name : c.start === c.end ? `${name}:${c.start}` : `${name}:${c.start}-${c.end}`;
  const button = el("button", "chip valid");
  button.append(el("span", "codicon codicon-file-code"), document.createTextNode(label));
  button.title = `${c.file}${c.start !== undefined ? `:${c.start}-${c.end}` : ""}${c.preview ? `\n\n${c.preview}` : ""}`;
  button.setAttribute("aria-label", `Open ${c.file} lines ${c.start} to ${c.end}`);
  button.dataset.preview = c.preview ?? "";
  button.addEventListener("click", () => send("citation/open", { turnId: turn.id, index }));
  return button;
}

function scrollToEnd(): void {
  log.scrollTop = log.scrollHeight;
}

function renderState(s: ChatStateDto): void {
  state = s;
  turnViews.clear();
  log.replaceChildren();
  for (const turn of s.turns) addTurn(turn);
  setBusy(s.busy);
  banner.hidden = !s.blocked;
  banner.replaceChildren();
  if (s.blocked) {
    banner.append(el("p", undefined, s.blocked));
    if (!s.endpoint.baseUrl || !s.endpoint.model) {
      const presets = el("div", "presets");
      for (const p of s.presets) {
        const b = document.createElement("vscode-button");
        b.setAttribute("secondary", "");
        b.textContent = p.label;
        b.title = p.baseUrl;
        b.addEventListener("click", () => send("endpoint/preset", { id: p.id }));
        presets.append(b);
      }
      banner.append(presets);
    }
  }
  scrollToEnd();
}

function addTurn(turn: TurnDto): TurnView {
  const view = new TurnView(turn);
  turnViews.set(turn.id, view);
  log.append(view.root);
  return view;
}

function setBusy(busy: boolean): void {
  if (state) state.busy = busy;
  sendButton.hidden = busy;
  stopButton.hidden = !busy;
}

function renderStatus(s: IndexStatusDto): void {
  status.textContent =
    s.state === "indexing"
      ? s.total > 0
        ? `Indexing… ${s.done}/${s.total}`
        : "Indexing…"
      : s.state === "ready"
        ? `${s.files} files · ${s.symbols} symbols`
        : `Index failed: ${s.message ?? "unknown error"}`;
}

window.addEventListener("message", (event: MessageEvent<Envelope<HostToWebview>>) => {
  const msg = event.data;
  switch (msg.type) {
    case "index/status":
      renderStatus(msg.payload);
      break;
    case "chat/state":
      renderState(msg.payload);
      break;
    case "chat/turnStarted":
      addTurn(msg.payload.turn);
      setBusy(true);
      scrollToEnd();
      break;
    case "chat/delta":
      turnViews.get(msg.payload.turnId)?.append(msg.payload.text);
      break;
    case "chat/notice":
      turnViews.get(msg.payload.turnId)?.notice(msg.payload.message);
      break;
    case "chat/context":
      turnViews.get(msg.payload.turnId)?.context(msg.payload.context);
      break;
    case "chat/done":
      turnViews.get(msg.payload.turn.id)?.update(msg.payload.turn);
      setBusy(false);
      scrollToEnd();
      break;
  }
});

status.textContent = "Waiting for the index…";
send("webview/ready", {});
