import "@vscode-elements/elements/dist/vscode-button/index.js";
import "@vscode-elements/elements/dist/vscode-textarea/index.js";
import type { VscodeTextarea } from "@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js";
import type {
  ChatStateDto,
  CitationDto,
  ContextSummaryDto,
  Envelope,
  ErrorActionDto,
  HostToWebview,
  IndexStatusDto,
  TurnDto,
  WebviewToHost,
} from "../../src/protocol/messages";
import { connect, el } from "../shared/dom";
import { CITATION_MARK, citationMark, renderMarkdown } from "./markdown";

const { api: vscode, send } = connect<WebviewToHost>();
const saved = vscode.getState() as { draft?: string; deep?: boolean } | undefined;
const savedDraft = saved?.draft;
let deep = !!saved?.deep;
const saveState = () => vscode.setState({ draft: input.value, deep });

// ---- layout -----------------------------------------------------------------
const root = document.getElementById("root")!;
// New Chat lives in the view's title bar; the header says where questions go and how the index is.
const header = el("div", "header");
const endpointButton = el("button", "endpoint");
endpointButton.title = "Choose the endpoint";
endpointButton.addEventListener("click", () => send("endpoint/choose", {}));
const modelButton = el("button", "model");
modelButton.title = "Choose the model";
modelButton.addEventListener("click", () => send("endpoint/chooseModel", {}));
const status = el("span", "status");
status.setAttribute("role", "status");
header.append(endpointButton, modelButton, status);
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
// Deep Answer for the next questions: workers read far more than one budget, then one call answers.
const deepToggle = el("button", "deep-toggle");
deepToggle.append(el("span", "codicon codicon-layers"), el("span", undefined, "Deep"));
deepToggle.title =
  "Deep Answer: workers read up to 6× the context in chunks and pass notes on; one call answers from the notes. More calls and tokens; the cost is shown first.";
const renderDeep = () => {
  deepToggle.classList.toggle("on", deep);
  deepToggle.setAttribute("aria-pressed", String(deep));
};
deepToggle.addEventListener("click", () => {
  deep = !deep;
  renderDeep();
  saveState();
});
renderDeep();
const buttons = el("div", "composer-buttons");
buttons.append(deepToggle, sendButton, stopButton);
composer.append(input, buttons);
root.append(header, banner, log, composer);

let state: ChatStateDto | undefined;
const turnViews = new Map<string, TurnView>();

function submit(): void {
  const question = input.value.trim();
  if (!question || state?.busy) return;
  send("chat/ask", deep ? { question, deep: true } : { question });
  input.value = "";
  recall = -1;
  saveState();
}
sendButton.addEventListener("click", submit);
stopButton.addEventListener("click", () => send("chat/stop", {}));
/** Which earlier question ↑ is showing (-1: none), newest first. */
let recall = -1;
input.addEventListener("keydown", (e: KeyboardEvent) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    submit();
  } else if (e.key === "Escape" && state?.busy) {
    e.preventDefault();
    send("chat/stop", {});
  } else if ((e.key === "ArrowUp" && (input.value === "" || recall >= 0)) || (e.key === "ArrowDown" && recall >= 0)) {
    // ↑ in an empty input walks back through earlier questions, ↓ forward again, as in a shell.
    const questions = (state?.turns ?? []).map((t) => t.question).reverse();
    const next = e.key === "ArrowUp" ? Math.min(recall + 1, questions.length - 1) : recall - 1;
    if (questions.length === 0) return;
    e.preventDefault();
    recall = next;
    input.value = next >= 0 ? questions[next]! : "";
  }
});
document.addEventListener("keydown", (e: KeyboardEvent) => {
  if (e.key === "Escape" && state?.busy) send("chat/stop", {});
});
input.addEventListener("input", saveState);

// ---- turns ------------------------------------------------------------------
class TurnView {
  readonly root = el("section", "turn");
  private readonly answer = el("div", "answer markdown");
  private readonly notices = el("div", "notices");
  private readonly footer = el("div", "footer");
  private readonly actions = el("div", "actions");
  private text = "";
  private frame = 0;

  constructor(private turn: TurnDto) {
    const q = el("div", "question", turn.question);
    this.root.append(q, this.notices, this.answer, this.actions, this.footer);
    this.update(turn);
  }

  append(delta: string, citations?: CitationDto[]): void {
    this.text += delta;
    if (citations) this.turn = { ...this.turn, answer: this.text, citations };
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        // Chips appear as soon as their citation is complete: the host checks them while the answer streams.
        this.answer.innerHTML = renderMarkdown(withMarks(this.text, this.turn.citations));
        replaceMarks(this.answer, this.turn);
        this.answer.classList.add("streaming");
        scrollToEnd();
      });
    }
  }

  notice(message: string): void {
    this.notices.append(el("div", "notice", message));
  }

  /** What a long answer is doing now, in place of "Gathering context…" until text arrives. */
  progress(message: string): void {
    if (this.text) return;
    this.answer.replaceChildren(el("span", "thinking", message));
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
      addCodeActions(this.answer);
    }
    if (turn.error && turn.error.code !== "cancelled") {
      const error = el("div", "error");
      error.setAttribute("role", "alert");
      error.append(el("span", "codicon codicon-error"), el("span", undefined, turn.error.message));
      const buttons = el("div", "error-actions");
      for (const action of turn.error.actions ?? []) buttons.append(errorButton(action, turn));
      if (buttons.childElementCount > 0) error.append(buttons);
      this.answer.append(error);
    } else if (turn.error?.code === "cancelled") {
      this.answer.append(el("div", "notice", "Stopped."));
    }
    this.actions.replaceChildren();
    if (!turn.pending && (turn.answer || turn.error)) {
      if (turn.answer)
        this.actions.append(iconButton("copy", "Copy answer", () => send("clipboard/copy", { text: turn.answer })));
      // A failure that can be retried already offers Retry beside its message.
      if (!turn.error?.actions?.includes("retry"))
        this.actions.append(iconButton("refresh", "Retry", () => send("chat/retry", { turnId: turn.id })));
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
    const deepPart = c.deep
      ? ` · deep: ${c.deep.chunks} chunk${c.deep.chunks === 1 ? "" : "s"}, ${c.deep.calls} calls${c.deep.usedTokens !== undefined ? `, ${c.deep.usedTokens.toLocaleString("en-US")} tokens used` : ""}`
      : "";
    const memory = c.memory
      ? ` · memory: ${[c.memory.summary ? "summary" : "", c.memory.recalled.length ? `recalled turn${c.memory.recalled.length === 1 ? "" : "s"} ${c.memory.recalled.join(", ")}` : ""].filter(Boolean).join(" + ")}`
      : "";
    this.footer.replaceChildren(
      el(
        "span",
        undefined,
        `context: ${c.spans} spans · ${c.tokens} tokens${compressed} · ${c.scorer}${deepPart}${memory} · `,
      ),
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
  if (c.valid && c.commit) {
    // A commit of the context's "Recent history": opens the commit, read-only.
    const commit = el("button", "chip valid commit");
    commit.append(el("span", "codicon codicon-git-commit"), el("span", "chip-label", c.commit.short));
    commit.append(el("span", "chip-symbol", ` · ${c.commit.subject}`));
    commit.title = `${c.commit.short} ${c.commit.date} ${c.commit.subject}`;
    commit.setAttribute("aria-label", `Open commit ${c.commit.short}: ${c.commit.subject}`);
    commit.addEventListener("click", () => send("citation/open", { turnId: turn.id, index }));
    return commit;
  }
  if (!c.valid || !c.file) {
    // A warning, not a footnote: the answer claims something the context does not show.
    const bad = el("button", "chip invalid");
    bad.append(el("span", "codicon codicon-warning"), document.createTextNode(c.text));
    bad.title = `Unverified citation: ${c.reason}`;
    bad.setAttribute("aria-label", `Unverified citation ${c.text}: ${c.reason}`);
    bad.setAttribute("aria-expanded", "false");
    bad.addEventListener("click", () => {
      const open = bad.nextElementSibling?.classList.contains("chip-reason");
      if (open) bad.nextElementSibling!.remove();
      else bad.after(el("span", "chip-reason", `Unverified: ${c.reason}`));
      bad.setAttribute("aria-expanded", String(!open));
    });
    return bad;
  }
  const name = c.file.split("/").pop()!;
  const lines = c.start === undefined ? "" : c.start === c.end ? `:${c.start}` : `:${c.start}-${c.end}`;
  const button = el("button", c.turn !== undefined ? "chip valid memory" : "chip valid");
  button.append(
    el("span", `codicon codicon-${c.turn !== undefined ? "history" : "file-code"}`),
    el("span", "chip-label", `${name}${lines}`),
  );
  if (c.symbol) button.append(el("span", "chip-symbol", ` · ${c.symbol}`));
  // Where the lines were checked: an earlier turn's context (memory), or the worker that read them.
  const from = c.turn !== undefined ? `from turn ${c.turn}` : c.worker !== undefined ? `worker ${c.worker}` : "";
  if (from) button.append(el("span", "chip-from", ` · ${from}`));
  const checked =
    c.turn !== undefined
      ? `\nSent in turn ${c.turn}, not in this answer's context.`
      : c.worker !== undefined
        ? `\nRead by worker ${c.worker}.`
        : "";
  button.title = `${c.file}${c.start !== undefined ? `:${c.start}-${c.end}` : ""}${c.symbol ? ` · ${c.symbol}` : ""}${checked}${c.preview ? `\n\n${c.preview}` : ""}`;
  button.setAttribute("aria-label", `Open ${c.file} lines ${c.start} to ${c.end}${c.symbol ? `, ${c.symbol}` : ""}`);
  button.dataset.preview = c.preview ?? "";
  button.addEventListener("click", () => send("citation/open", { turnId: turn.id, index }));
  return button;
}

function iconButton(icon: string, label: string, onClick: () => void): HTMLElement {
  const b = el("button", "icon-button");
  b.append(el("span", `codicon codicon-${icon}`), el("span", undefined, label));
  b.title = label;
  b.addEventListener("click", onClick);
  return b;
}

/** Copy and Insert at Cursor on every code block of a finished answer. */
function addCodeActions(container: HTMLElement): void {
  for (const pre of container.querySelectorAll("pre")) {
    const code = pre.textContent ?? "";
    const bar = el("div", "code-actions");
    bar.append(
      iconButton("copy", "Copy", () => send("clipboard/copy", { text: code })),
      iconButton("insert", "Insert at Cursor", () => send("editor/insert", { text: code })),
    );
    pre.before(bar);
  }
}

const ACTION_LABELS: Record<ErrorActionDto, string> = {
  retry: "Retry",
  openSettings: "Open Settings",
  setApiKey: "Set API Key",
  chooseModel: "Choose Model",
  trust: "Trust this workspace",
};

function errorButton(action: ErrorActionDto, turn: TurnDto): HTMLElement {
  const b = document.createElement("vscode-button");
  b.textContent = ACTION_LABELS[action];
  if (action !== "retry") b.setAttribute("secondary", "");
  b.addEventListener("click", () => {
    if (action === "retry") send("chat/retry", { turnId: turn.id });
    else if (action === "openSettings") send("settings/open", {});
    else if (action === "setApiKey") send("endpoint/setKey", {});
    else if (action === "chooseModel") send("endpoint/chooseModel", {});
    else send("workspace/trust", {});
  });
  return b;
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
  renderEndpoint(s);
  banner.hidden = !s.blocked;
  banner.replaceChildren();
  if (s.blocked) {
    banner.append(el("p", undefined, s.blocked));
    if (s.untrusted) {
      const trust = document.createElement("vscode-button");
      trust.textContent = "Trust this workspace";
      trust.addEventListener("click", () => send("workspace/trust", {}));
      banner.append(trust);
    } else if (!s.endpoint.baseUrl || !s.endpoint.model) {
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

function renderEndpoint(s: ChatStateDto): void {
  endpointButton.replaceChildren(
    el("span", "codicon codicon-server"),
    el("span", undefined, s.endpoint.baseUrl ? s.endpoint.label : "No endpoint"),
  );
  endpointButton.title = s.endpoint.baseUrl
    ? `Endpoint: ${s.endpoint.baseUrl} (click to change)`
    : "Choose an endpoint";
  modelButton.hidden = !s.endpoint.baseUrl;
  modelButton.replaceChildren(
    el("span", undefined, s.endpoint.model || "choose a model"),
    el("span", "codicon codicon-chevron-down"),
  );
  modelButton.title = s.endpoint.model ? `Model: ${s.endpoint.model} (click to change)` : "Choose a model";
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
      state?.turns.push(msg.payload.turn);
      setBusy(true);
      scrollToEnd();
      break;
    case "chat/delta":
      turnViews.get(msg.payload.turnId)?.append(msg.payload.text, msg.payload.citations);
      break;
    case "chat/notice":
      turnViews.get(msg.payload.turnId)?.notice(msg.payload.message);
      break;
    case "chat/context":
      turnViews.get(msg.payload.turnId)?.context(msg.payload.context);
      break;
    case "chat/progress":
      turnViews.get(msg.payload.turnId)?.progress(msg.payload.message);
      break;
    case "chat/done":
      turnViews.get(msg.payload.turn.id)?.update(msg.payload.turn);
      if (state) state.turns = [...state.turns.filter((t) => t.id !== msg.payload.turn.id), msg.payload.turn];
      // A failed question goes back into the input, to fix and send again.
      if (msg.payload.turn.error && msg.payload.turn.error.code !== "cancelled" && !input.value.trim())
        input.value = msg.payload.turn.question;
      setBusy(false);
      scrollToEnd();
      break;
  }
});

status.textContent = "Waiting for the index…";
send("webview/ready", {});
