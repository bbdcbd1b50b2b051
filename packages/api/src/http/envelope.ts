import { ERROR_CODES, type ErrorCode, type Locale } from "@rekey/validators";

/** A JSON answer that no cache keeps. */
export function json(status: number, body: object, headers: Headers = new Headers()): Response {
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}

/** The §2 envelope of a failure: `{code, msg, data}` with the registry's status, code and message. */
export function envelopeBody(code: ErrorCode, locale: Locale = "zh-CN", extra: { message?: string; data?: unknown } = {}) {
  const entry = ERROR_CODES[code];
  return { code: entry.code, msg: extra.message ?? (locale === "en" ? entry.en : entry.zh), data: extra.data ?? null };
}

/** A failure answered with the §2 envelope (HTTP status from the registry: 400 for the seed's 501). */
export function failure(code: ErrorCode, locale: Locale, extra: { message?: string; data?: unknown; headers?: Headers } = {}): Response {
  return json(ERROR_CODES[code].http, envelopeBody(code, locale, extra), extra.headers);
}
