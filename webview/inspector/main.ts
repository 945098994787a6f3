import "@vscode-elements/elements/dist/vscode-button/index.js";
import type { Envelope, HostToInspector, InspectorModelDto, InspectorToHost } from "../../src/protocol/messages";
import { connect, el } from "../shared/dom";

const { send } = connect<InspectorToHost>();
const root = document.getElementById("root")!;

function button(label: string, icon: string, onClick: () => void): HTMLElement {
  const b = document.createElement("vscode-button");
  b.setAttribute("icon", icon);
  b.setAttribute("secondary", "");
  b.textContent = label;
  b.addEventListener("click", onClick);
  return b;
}

function table(headers: string[], rows: (string | Node)[][], className?: string): HTMLTableElement {
  const t = el("table", className);
  const head = el("tr");
  for (const h of headers) head.append(el("th", undefined, h));
  t.append(head);
  for (const row of rows) {
    const tr = el("tr");
    for (const cell of row) {
      const td = el("td");
      td.append(cell);
      tr.append(td);
    }
    t.append(tr);
  }
  return t;
}

function location(file: string, ranges: [number, number][]): HTMLElement {
  const a = el("a", "loc");
  // A narrow column wraps a location between its parts, after a `/` or before its lines, never
  // inside a file name (`app/st` `ore.p` `y:1-2`) or a range (`1-` `14`): each part is a span,
  // with a break opportunity after it.
  const parts = file.split(/(?<=\/)/);
  parts[parts.length - 1] += ":";
  for (const part of parts) a.append(el("span", undefined, part), document.createElement("wbr"));
  const lines = ranges.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`));
  lines.forEach((l, i) =>
    a.append(el("span", "lines", i < lines.length - 1 ? `${l},` : l), document.createElement("wbr")),
  );
  a.href = "#";
  a.addEventListener("click", (e) => {
    e.preventDefault();
    send("inspector/open", { file, start: ranges[0]![0], end: ranges[ranges.length - 1]![1] });
  });
  return a;
}

function render(m: InspectorModelDto): void {
  root.replaceChildren();
  const head = el("header");
  head.append(
    el("h1", undefined, m.dryRun ? "Context preview (not sent)" : "Context sent"),
    el("p", "question", m.question),
  );
  const facts = el("p", "facts");
  facts.textContent =
    `${m.totalTokens} prompt tokens · context ${m.compression.after} of ${m.contextBudget} budget · ` +
    `compressed from ${m.compression.before} (×${m.compression.ratio}) · scorer: ${m.scorer}` +
    (m.history ? ` · history: ${m.history}` : "") +
    (m.endpoint ? ` · ${m.endpoint.model} at ${m.endpoint.baseUrl}` : "");
  const actions = el("div", "actions");
  actions.append(
    button("Copy prompt", "copy", () => send("inspector/copyPrompt", {})),
    button("Export JSON", "json", () => send("inspector/export", { format: "json" })),
    button("Export Markdown", "markdown", () => send("inspector/export", { format: "markdown" })),
  );
  head.append(facts, actions);
  root.append(head);

  root.append(el("h2", undefined, "Tokens per section"));
  root.append(
    table(
      ["section", "tokens", "share"],
      [
        ...m.sections.map((s) => [
          s.name,
          String(s.tokens),
          `${((100 * s.tokens) / Math.max(1, m.totalTokens)).toFixed(1)}%`,
        ]),
        ["total", String(m.totalTokens), "100%"],
      ],
    ),
  );

  if (m.memory) {
    const memory = m.memory;
    const tokens = (memory.summary?.tokens ?? 0) + memory.turns.reduce((n, t) => n + t.tokens, 0);
    root.append(el("h2", undefined, `Conversation memory (${tokens} tokens)`));
    if (memory.summary) {
      const d = el("details", "message");
      d.open = true;
      d.append(
        el("summary", undefined, `summary of turns 1-${memory.summary.through} · ${memory.summary.tokens} tokens`),
        el("pre", undefined, memory.summary.text),
      );
      root.append(d);
    }
    const HOW = { latest: "the latest turn", recalled: "recalled", recent: "recent, room left" } as const;
    if (memory.turns.length)
      root.append(
        table(
          ["turn", "question", "tokens", "why"],
          memory.turns.map((t) => [
            String(t.turn),
            t.question,
            String(t.tokens),
            t.why?.length ? `${HOW[t.how]}: ${t.why.join("; ")}` : HOW[t.how],
          ]),
          "memory",
        ),
      );
    if (memory.dropped)
      root.append(el("p", "muted", `${memory.dropped} earlier turn(s) left out: not relevant, and no room.`));
  }

  if (m.chain) {
    const c = m.chain;
    root.append(el("h2", undefined, `Deep Answer: ${c.calls.length} calls`));
    root.append(
      el(
        "p",
        "facts",
        `estimated before: ${c.estimate.chunks} chunks, ${c.estimate.calls} calls, about ${c.estimate.promptTokens} prompt tokens ` +
          `(at most ${c.estimate.maxOutputTokens} output) · used: ${c.used.promptTokens} prompt + ${c.used.outputTokens} output tokens`,
      ),
    );
    for (const call of c.calls) {
      const d = el("details", "message");
      const label =
        call.role === "worker"
          ? `worker ${call.chunk} · chunk ${call.chunk}: ${call.spans.join(", ")} · ${call.promptTokens} tokens in, ${call.outputTokens} out`
          : `manager · ${call.promptTokens} tokens in, ${call.outputTokens} out`;
      d.append(el("summary", undefined, label));
      d.append(
        el("h3", undefined, call.role === "worker" ? "Unit passed on" : "Answer"),
        el("pre", undefined, call.output),
      );
      for (const msg of call.messages)
        d.append(el("h3", undefined, `${msg.role} message`), el("pre", undefined, msg.content));
      root.append(d);
    }
  }

  if (m.attentionOrder?.length) {
    root.append(el("h2", undefined, "Order: Attention Sorting"));
    root.append(
      el(
        "p",
        "muted",
        "Files in the order sent: the local model's evaluator heads attended most to the last, nearest the question.",
      ),
    );
    root.append(
      table(
        ["file", "attention mass"],
        m.attentionOrder.map((o) => [o.file, o.mass.toFixed(3)]),
      ),
    );
  }

  root.append(el("h2", undefined, `Spans (${m.spans.length})`));
  root.append(
    table(
      ["id", "location", "symbol", "detail", "score", "tokens", "why"],
      m.spans.map((s) => [
        s.id,
        location(s.file, s.ranges),
        s.symbol ?? "",
        s.detail,
        s.score.toFixed(3),
        String(s.tokens),
        s.reasons.join("; "),
      ]),
      "spans",
    ),
  );

  if (m.commits?.length) {
    root.append(el("h2", undefined, `Recent history (${m.commits.length})`));
    root.append(
      table(
        ["id", "commit", "date", "subject", "touched"],
        m.commits.map((c) => [c.id, c.short, c.date, c.subject, c.symbols.join(", ")]),
      ),
    );
  }

  root.append(el("h2", undefined, `Pruned or elided (${m.pruned.length})`));
  root.append(
    m.pruned.length
      ? table(
          ["location", "symbol", "reason"],
          m.pruned.map((p) => [location(p.file, p.ranges), p.symbol ?? "", p.reason]),
          "pruned",
        )
      : el("p", "muted", "Nothing was pruned."),
  );

  root.append(el("h2", undefined, "Per-line importance"));
  for (const s of m.spans) {
    const block = el("details", "heat");
    block.open = m.spans.length <= 8;
    const where = `${s.file}:${s.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",")}`;
    const summary = el("summary");
    summary.append(el("span", "heat-id", s.id), ` ${where}`);
    if (s.symbol) summary.append(el("span", "heat-symbol", ` · ${s.symbol}`));
    summary.append(el("span", "muted", ` · ${s.detail}`));
    block.append(summary);
    const pre = el("pre");
    for (const line of s.lines) {
      const row = el("div", "line");
      // The heat map's only inline style is a CSS variable set through the CSSOM, which CSP allows.
      row.style.setProperty("--heat", String(line.score));
      row.title = `line ${line.n}: importance ${line.score.toFixed(2)}`;
      row.append(el("span", "n", String(line.n).padStart(5)), el("span", "code", ` ${line.text}`));
      pre.append(row);
    }
    block.append(pre);
    root.append(block);
  }

  root.append(el("h2", undefined, "Messages, exactly as sent"));
  for (const msg of m.messages) {
    const d = el("details", "message");
    d.append(el("summary", undefined, `${msg.role} · ${msg.tokens} tokens`), el("pre", undefined, msg.content));
    root.append(d);
  }
}

window.addEventListener("message", (e: MessageEvent<Envelope<HostToInspector>>) => {
  if (e.data.type !== "inspector/model") return;
  render(e.data.payload);
  // A request opens at its top: its question and totals, not wherever the last one was scrolled to.
  window.scrollTo(0, 0);
});
root.append(el("p", "muted", "Loading…"));
send("inspector/ready", {});
