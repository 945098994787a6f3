import type { ContextPackage } from "../context/types";
import { parseCitations } from "./parse";
import { validateCitations, type Citation } from "./validate";

export type { Citation } from "./validate";
export { parseCitations } from "./parse";
export { validateCitations } from "./validate";

/** Parses and validates every citation in an answer against the package that was sent. */
export function citationsOf(answer: string, pack: Pick<ContextPackage, "spans" | "commits">): Citation[] {
  return validateCitations(parseCitations(answer), pack);
}
