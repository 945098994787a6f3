import type { ContextPackage } from "../context/types";
import { parseCitations } from "./parse";
import { validateCitations, type Citation, type EarlierContext } from "./validate";

export type { Citation, EarlierContext } from "./validate";
export { parseCitations } from "./parse";
export { validateCitations } from "./validate";

/** Parses and validates every citation in an answer against the package that was sent (and the earlier turns the prompt carried). */
export function citationsOf(
  answer: string,
  pack: Pick<ContextPackage, "spans" | "commits">,
  memory: readonly EarlierContext[] = [],
): Citation[] {
  return validateCitations(parseCitations(answer), pack, memory);
}
