import type { ErrorCode } from "@rekey/validators";
import type { ApiError } from "~/trpc/react";
import type { MessageKey } from "~/i18n/messages";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** The registry code the server attached, if the error came from our API. */
export function domainCode(error: ApiError | null | undefined): ErrorCode | undefined {
  return (error?.data as { domainCode?: ErrorCode } | undefined)?.domainCode;
}

/** What to tell the person: the server's message (already in their language) plus how long to wait. */
export function errorText(error: ApiError, t: T): string {
  const data = error.data as { domainCode?: string; retryAfter?: number | null } | undefined;
  if (!data?.domainCode) return t("error.network");
  if (data.domainCode === "RATE_LIMITED" && data.retryAfter) return `${error.message} ${t("error.retryIn", { seconds: data.retryAfter })}`;
  return error.message;
}
