import type { CitationDto, ContextSummaryDto, ErrorActionDto, TurnDto } from "../../protocol/messages";
import type { Citation } from "../citations";
import type { ContextPackage } from "../context/types";
import type { AnswerRecord } from "./ask";
import { workerOf, type ChainRecord } from "./chain";

const PREVIEW_LINES = 12;

/** The one place an answer record becomes what the webview sees. */
export function toTurnDto(
  id: string,
  record: AnswerRecord,
  linesOf: (file: string) => readonly string[] | undefined,
): TurnDto {
  const turn: TurnDto = {
    id,
    question: record.question,
    answer: record.answer,
    citations: citationDtos(record.citations, record.context, linesOf, record.chain),
    context: summarize(record.context, record),
    notices: record.notices,
  };
  if (record.error) {
    const actions = errorActions(record.error.code);
    turn.error = { code: record.error.code, message: record.error.message, ...(actions.length ? { actions } : {}) };
  }
  return turn;
}

/** Citations as the webview shows them: with the cited symbol and, for valid ones, a preview of the lines. */
export function citationDtos(
  citations: readonly Citation[],
  pack: Pick<ContextPackage, "spans">,
  linesOf: (file: string) => readonly string[] | undefined,
  chain?: Pick<ChainRecord, "seenBy">,
): CitationDto[] {
  const symbols = new Map(pack.spans.map((s) => [s.id, s.symbol]));
  return citations.map((c) => {
    const dto: CitationDto = { offset: c.offset, length: c.length, text: c.text, valid: c.valid, reason: c.reason };
    if (c.id) dto.id = c.id;
    if (c.file) dto.file = c.file;
    if (c.start !== undefined) dto.start = c.start;
    if (c.end !== undefined) dto.end = c.end;
    if (c.commit)
      dto.commit = { id: c.commit.id, short: c.commit.id.slice(0, 7), date: c.commit.date, subject: c.commit.subject };
    if (c.turn !== undefined) dto.turn = c.turn;
    const worker = c.valid && chain && c.turn === undefined ? workerOf(chain, c) : undefined;
    if (worker !== undefined) dto.worker = worker;
    const symbol = c.valid && c.id && c.turn === undefined ? symbols.get(c.id) : undefined;
    if (symbol) dto.symbol = symbol;
    if (c.valid && c.file && c.start !== undefined) {
      const lines = linesOf(c.file);
      const end = Math.min(c.end ?? c.start, c.start + PREVIEW_LINES - 1);
      if (lines)
        dto.preview = lines
          .slice(c.start - 1, end)
          .map((l, i) => `${c.start! + i} | ${l}`)
          .join("\n");
    }
    return dto;
  });
}

/** The buttons that can fix a failure: what to retry, which setting to change, which key to set. */
export function errorActions(code: string): ErrorActionDto[] {
  switch (code) {
    case "unauthorized":
    case "forbidden":
      return ["setApiKey", "retry", "openSettings"];
    case "model_not_found":
      return ["chooseModel", "openSettings"];
    case "network":
      return ["retry", "openSettings"];
    case "rate_limited":
    case "server_error":
    case "timeout":
      return ["retry"];
    case "context_length":
      return ["retry", "openSettings"];
    case "blocked_untrusted":
      return ["trust"];
    case "internal":
      return ["retry"];
    default:
      return [];
  }
}

/** The footer of a turn: the context's size and scorer, the memory it carried, and a Deep Answer's calls. */
export function summarize(
  pack: ContextPackage,
  extra: { prompt?: Pick<AnswerRecord["prompt"], "memory">; chain?: ChainRecord } = {},
): ContextSummaryDto {
  const summary: ContextSummaryDto = {
    spans: pack.spans.length,
    tokens: pack.tokens,
    uncompressedTokens: pack.stats.uncompressedTokens,
    budget: pack.budget,
    scorer: pack.scorer.kind === "model" ? `local model (layer ${pack.scorer.layer})` : "lexical",
  };
  const memory = extra.prompt?.memory;
  const recalled = memory?.turns.filter((t) => t.how === "recalled").map((t) => t.turn) ?? [];
  if (memory?.summary || recalled.length) summary.memory = { summary: !!memory?.summary, recalled };
  const chain = extra.chain;
  if (chain) {
    summary.deep = { chunks: chain.estimate.chunks, calls: chain.estimate.calls };
    if (chain.calls.length) summary.deep.usedTokens = chain.used.promptTokens + chain.used.outputTokens;
  }
  return summary;
}
