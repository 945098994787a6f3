import type { InspectorModelDto } from "../../protocol/messages";
import type { ContextPackage, Reason } from "../context/types";
import type { ChainRecord } from "./chain";
import type { Prompt } from "./prompt";

export type InspectorModel = InspectorModelDto;

export function inspectorModel(
  pack: ContextPackage,
  prompt: Prompt,
  options: {
    dryRun: boolean;
    endpoint?: { baseUrl: string; model: string };
    linesOf: (file: string) => readonly string[] | undefined;
    count: (text: string) => number;
    chain?: ChainRecord;
  },
): InspectorModel {
  const memory = prompt.memory;
  const chain = options.chain;
  const messages = prompt.messages.map((m) => ({ role: m.role, content: m.content, tokens: options.count(m.content) }));
  const before = pack.stats.uncompressedTokens;
  return {
    question: pack.question,
    dryRun: options.dryRun,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    messages,
    sections: prompt.sections.map((s) => ({ name: s.name, tokens: s.tokens })),
    totalTokens: prompt.tokens,
    contextBudget: pack.budget,
    compression: {
      before,
      after: pack.tokens,
      ratio: before > 0 ? Math.round((pack.tokens / before) * 1000) / 1000 : 1,
    },
    scorer:
      pack.scorer.kind === "model"
        ? `local model ${pack.scorer.model}, layer ${pack.scorer.layer}, heads ${pack.scorer.heads.join(", ")}`
        : `lexical${pack.scorer.fallback ? ` (${pack.scorer.fallback})` : ""}`,
    ...(pack.history
      ? {
          history:
            pack.history.state === "used"
              ? `${pack.history.commits.toLocaleString("en-US")} commits`
              : `not used (${pack.history.reason})`,
        }
      : {}),
    ...(pack.attentionOrder ? { attentionOrder: pack.attentionOrder } : {}),
    ...(memory.summary || memory.turns.length || memory.dropped
      ? {
          memory: {
            ...(memory.summary ? { summary: memory.summary } : {}),
            turns: memory.turns.map((t) => ({
              turn: t.turn,
              question: t.question,
              how: t.how,
              tokens: t.tokens,
              ...(t.why ? { why: t.why } : {}),
            })),
            dropped: memory.dropped,
          },
        }
      : {}),
    ...(chain
      ? {
          chain: {
            estimate: chain.estimate,
            used: chain.used,
            calls: chain.calls.map((c) => ({
              role: c.role,
              ...(c.chunk !== undefined ? { chunk: c.chunk } : {}),
              spans: c.chunk !== undefined ? (chain.chunks.find((k) => k.index === c.chunk)?.spans ?? []) : [],
              promptTokens: c.promptTokens,
              outputTokens: c.outputTokens,
              output: c.output,
              messages: c.messages,
            })),
          },
        }
      : {}),
    ...(pack.commits
      ? {
          commits: pack.commits.map((c) => ({
            id: c.id,
            short: c.commit.slice(0, 7),
            date: c.date,
            subject: c.subject,
            symbols: c.symbols,
          })),
        }
      : {}),
    spans: pack.spans.map((s) => {
      const fileLines = options.linesOf(s.file) ?? [];
      const lines: { n: number; text: string; score: number }[] = [];
      let k = 0;
      for (const [a, b] of s.ranges)
        for (let n = a; n <= b; n++) lines.push({ n, text: fileLines[n - 1] ?? "", score: s.lineScores[k++] ?? 0 });
      return {
        id: s.id,
        file: s.file,
        ...(s.symbol ? { symbol: s.symbol } : {}),
        ranges: s.ranges,
        detail: s.detail,
        score: s.score,
        tokens: s.tokens,
        reasons: s.reasons.map(describeReason),
        lines,
      };
    }),
    pruned: pack.pruned.map((p) => ({
      file: p.file,
      ranges: p.ranges,
      ...(p.symbol ? { symbol: p.symbol } : {}),
      reason: p.reason,
    })),
  };
}

export function describeReason(r: Reason): string {
  switch (r.kind) {
    case "bm25":
      return `lexical match ${r.score} (${[
        r.terms.join(", "),
        r.borrowed?.length ? `borrowed from the best matches: ${r.borrowed.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; ")})`;
    case "identifier":
      return `names \`${r.name}\``;
    case "name":
      return `described by its name's words (${r.terms.join(", ")})`;
    case "path":
      return `mentions ${r.mention}`;
    case "line":
      return `points at ${r.mention}`;
    case "phrase":
      return `contains “${r.text}”`;
    case "editor":
      return r.what === "selection" ? "your selection" : r.what === "active" ? "the active editor" : "an open editor";
    case "graph":
      return `linked by references (${r.score})`;
    case "model":
      return `local model attention ${r.score}`;
    case "explain":
      return `on the call path: ${r.role}`;
    case "class":
      return `a method of \`${r.name}\` (ranked #${r.rank})`;
    case "bestFile":
      return `a definition of ${r.file}, the ${r.place === 1 ? "best" : "second-best"}-ranked file`;
    case "owner":
      return `the class of \`${r.method}\`, which is shown`;
    case "imports":
      return `the imports of the file of \`${r.of}\`, which is shown`;
    case "history":
      return describeHistoryReason(r);
  }
}

/** `history: 3 commits, e.g. 1a2b3c4 "Fix latex printing of …" (2019)` */
export function describeHistoryReason(r: Extract<Reason, { kind: "history" }>): string {
  const subject = r.example.subject.length > 60 ? r.example.subject.slice(0, 59) + "…" : r.example.subject;
  return `history: ${r.commits} commit${r.commits === 1 ? "" : "s"}, e.g. ${r.example.id.slice(0, 7)} "${subject}" (${r.example.year})`;
}

/** The request as Markdown, for export. */
export function toMarkdown(model: InspectorModel): string {
  let out = `# Threadline context: ${model.question}\n\n`;
  out += `${model.totalTokens} prompt tokens (context budget ${model.contextBudget}); compression ${model.compression.before} → ${model.compression.after} tokens; scorer: ${model.scorer}${model.history ? `; history: ${model.history}` : ""}\n\n`;
  out += `| section | tokens |\n| --- | --- |\n${model.sections.map((s) => `| ${s.name} | ${s.tokens} |`).join("\n")}\n\n`;
  out += `## Spans\n\n| id | location | detail | score | reasons |\n| --- | --- | --- | --- | --- |\n`;
  out += model.spans
    .map(
      (s) =>
        `| ${s.id} | ${s.file}:${s.ranges.map(([a, b]) => `${a}-${b}`).join(",")} | ${s.detail} | ${s.score} | ${s.reasons.join("; ")} |`,
    )
    .join("\n");
  if (model.memory) {
    out += `\n\n## Conversation memory\n\n`;
    if (model.memory.summary)
      out += `Summary of turns 1-${model.memory.summary.through} (${model.memory.summary.tokens} tokens):\n\n${model.memory.summary.text}\n\n`;
    out += model.memory.turns
      .map(
        (t) => `- turn ${t.turn} (${t.how}, ${t.tokens} tokens)${t.why ? `: ${t.why.join("; ")}` : ""}: ${t.question}`,
      )
      .join("\n");
  }
  if (model.chain) {
    out += `\n\n## Deep Answer\n\n${model.chain.calls.length} calls, ${model.chain.used.promptTokens} prompt + ${model.chain.used.outputTokens} output tokens\n\n`;
    out += model.chain.calls
      .map((c) => `### ${c.role === "worker" ? `worker ${c.chunk} (${c.spans.join(", ")})` : "manager"}\n\n${c.output}`)
      .join("\n\n");
  }
  out += `\n\n## Pruned\n\n${model.pruned.map((p) => `- ${p.file}:${p.ranges.map(([a, b]) => `${a}-${b}`).join(",")} ${p.symbol ?? ""}: ${p.reason}`).join("\n")}\n`;
  for (const m of model.messages)
    out += `\n## ${m.role} (${m.tokens} tokens)\n\n\`\`\`\`text\n${m.content}\n\`\`\`\`\n`;
  return out;
}
