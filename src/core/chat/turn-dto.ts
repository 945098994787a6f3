import type { CitationDto, ContextSummaryDto, TurnDto } from "../../protocol/messages";
import type { ContextPackage } from "../context/types";
import type { AnswerRecord } from "./ask";

const PREVIEW_LINES = 12;

/** The one place an answer record becomes what the webview sees. */
export function toTurnDto(
  id: string,
  record: AnswerRecord,
  linesOf: (file: string) => readonly string[] | undefined,
): TurnDto {
  const citations: CitationDto[] = record.citations.map((c) => {
    const dto: CitationDto = { offset: c.offset, length: c.length, text: c.text, valid: c.valid, reason: c.reason };
    if (c.id) dto.id = c.id;
    if (c.file) dto.file = c.file;
    if (c.start !== undefined) dto.start = c.start;
    if (c.end !== undefined) dto.end = c.end;
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
  const turn: TurnDto = {
    id,
    question: record.question,
    answer: record.answer,
    citations,
    context: summarize(record.context),
    notices: record.notices,
  };
  if (record.error) turn.error = { code: record.error.code, message: record.error.message };
  return turn;
}

export function summarize(pack: ContextPackage): ContextSummaryDto {
  return {
    spans: pack.spans.length,
    tokens: pack.tokens,
    uncompressedTokens: pack.stats.uncompressedTokens,
    budget: pack.budget,
    scorer: pack.scorer.kind === "model" ? `local model (layer ${pack.scorer.layer})` : "lexical",
  };
}
