/** Errors cross core boundaries as values; throwing is reserved for bugs. */
export type Result<T, E extends { code: string } = CoreError> = { ok: true; value: T } | { ok: false; error: E };

export interface CoreError {
  code: string;
  message: string;
}

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E extends { code: string }>(error: E): { ok: false; error: E } => ({
  ok: false,
  error,
});

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
