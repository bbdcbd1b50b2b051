import { AuthError } from "@rekey/auth";
import { TRPCError } from "@trpc/server";
import { ERROR_CODES, errorMessage, type ErrorCode, type Locale } from "@rekey/validators";

export interface Issue {
  path: string;
  message: string;
}

export interface DescribedError {
  code: ErrorCode;
  message: string;
  retryAfter?: number;
  issues?: Issue[];
}

function issuesOf(error: unknown): Issue[] | undefined {
  const list = (error as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list)) return undefined;
  return list.map((issue: { path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>; message?: string }) => ({
    path: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
    message: issue.message ?? "invalid",
  }));
}

/**
 * Turns anything a procedure threw into a domain code and a localised message. Used by the tRPC error
 * formatter and the REST adapter alike, so both speak the registry in `@rekey/validators` and nothing else.
 */
export function describeError(error: unknown, locale: Locale): DescribedError {
  const cause = error instanceof TRPCError ? (error.cause ?? error) : error;
  if (cause instanceof AuthError) {
    return { code: cause.code, message: errorMessage(cause.code, locale, cause.params), retryAfter: cause.retryAfter };
  }
  const issues = issuesOf(cause);
  if (issues) return { code: "PARAM_ERROR", message: errorMessage("PARAM_ERROR", locale), issues };
  if (error instanceof TRPCError && error.code === "UNAUTHORIZED") {
    return { code: "UNAUTHORIZED", message: errorMessage("UNAUTHORIZED", locale) };
  }
  if (error instanceof TRPCError && (error.code === "BAD_REQUEST" || error.code === "PARSE_ERROR")) {
    return { code: "PARAM_ERROR", message: errorMessage("PARAM_ERROR", locale), issues: [] };
  }
  return { code: "INTERNAL", message: errorMessage("INTERNAL", locale) };
}

/** The tRPC error for a domain failure (the code comes from the one registry). */
export function toTRPCError(error: AuthError, locale: Locale): TRPCError {
  return new TRPCError({ code: ERROR_CODES[error.code].trpc, message: errorMessage(error.code, locale, error.params), cause: error });
}
