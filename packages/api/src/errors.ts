import { AuthError } from "@rekey/auth";
import { TRPCError } from "@trpc/server";
import { ERROR_CODES, errorMessage, issueMessage, type ErrorCode, type IssueLike, type Locale } from "@rekey/validators";

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

/**
 * Failures tRPC raises itself, before or around a procedure (no domain error as their cause): an unknown
 * procedure, the wrong method, an unreadable body, a missing session.
 */
const ROUTER_FAILURES: Partial<Record<TRPCError["code"], ErrorCode>> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  BAD_REQUEST: "PARAM_ERROR",
  PARSE_ERROR: "PARAM_ERROR",
  NOT_FOUND: "ROUTE_NOT_FOUND",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_ALLOWED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

/** A validation failure's issues, each worded in the answer's language (zod's own words are English). */
function issuesOf(error: unknown, locale: Locale): Issue[] | undefined {
  const list = (error as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(list)) return undefined;
  return list.map((issue: IssueLike) => ({
    path: (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join("."),
    message: issueMessage(issue, locale),
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
  const issues = issuesOf(cause, locale);
  if (issues) return { code: "PARAM_ERROR", message: errorMessage("PARAM_ERROR", locale), issues };
  const routerCode = error instanceof TRPCError ? ROUTER_FAILURES[error.code] : undefined;
  if (routerCode) {
    const described: DescribedError = { code: routerCode, message: errorMessage(routerCode, locale) };
    return routerCode === "PARAM_ERROR" ? { ...described, issues: [] } : described;
  }
  return { code: "INTERNAL", message: errorMessage("INTERNAL", locale) };
}

/** The tRPC error for a domain failure (the code comes from the one registry). */
export function toTRPCError(error: AuthError, locale: Locale): TRPCError {
  return new TRPCError({ code: ERROR_CODES[error.code].trpc, message: errorMessage(error.code, locale, error.params), cause: error });
}
