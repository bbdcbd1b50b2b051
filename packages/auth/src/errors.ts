import type { ErrorCode } from "@rekey/validators";

/** A failure the user or client can act on; `code` is a key of the shared ERROR_CODES registry. */
export class AuthError extends Error {
  override name = "AuthError";
  constructor(
    readonly code: ErrorCode,
    /** Values for the message's placeholders, e.g. `{ min: 8 }`. */
    readonly params: Record<string, string | number> = {},
    /** For RATE_LIMITED: seconds until the window resets. */
    readonly retryAfter?: number,
  ) {
    super(code);
  }
}
