import { Resend } from "resend";
import type { SendInput, SendResult, Transport } from "./transport";

const DEFAULT_BASE_URL = "https://api.resend.com";
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 500;

/** Options of {@link createResendTransport}. */
export interface ResendTransportOptions {
  /** Resend API key (`re_...`). Required: the SDK's silent fallback to `RESEND_API_KEY` is not used. */
  apiKey: string;
  /** API base URL for a self-hosted or test endpoint (config's `RESEND_BASE_URL`); defaults to Resend's API. */
  baseUrl?: string;
  /** Sender, e.g. `Rekey <no-reply@example.com>`. */
  from: string;
  /** Upper bound for one send, response body included (default 10 000 ms). */
  timeoutMs?: number;
}

/** Status implied by Resend's error names, for error bodies that carry no `statusCode`. */
const STATUS_BY_NAME: Record<string, number> = {
  validation_error: 422,
  missing_required_field: 422,
  invalid_parameter: 422,
  invalid_attachment: 422,
  invalid_from_address: 422,
  invalid_idempotency_key: 400,
  missing_api_key: 401,
  invalid_api_key: 403,
  restricted_api_key: 401,
  invalid_access: 403,
  security_error: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_idempotent_request: 409,
  concurrent_idempotent_requests: 409,
  rate_limit_exceeded: 429,
  daily_quota_exceeded: 429,
  monthly_quota_exceeded: 429,
  internal_server_error: 500,
};

/** Parses `Retry-After` (delta-seconds or HTTP-date) into whole seconds, or undefined. */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function normaliseBaseUrl(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new TypeError("Resend base URL must be an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError("Resend base URL must use http or https");
  }
  return trimmed;
}

/** Removes the key (and any bearer credential) from text that may echo a request, then bounds its length. */
function redact(text: string, apiKey: string): string {
  const withoutKey = text
    .split(apiKey)
    .join("[redacted]")
    .replace(/Bearer\s+\S+/gi, "Bearer [redacted]");
  return withoutKey.length > MAX_ERROR_LENGTH ? `${withoutKey.slice(0, MAX_ERROR_LENGTH)}…` : withoutKey;
}

interface SdkError {
  name?: unknown;
  message?: unknown;
  statusCode?: unknown;
}

function classify(error: SdkError, headers: Record<string, string> | null, apiKey: string): SendResult {
  const name = typeof error.name === "string" ? error.name : "unknown_error";
  const message = typeof error.message === "string" ? error.message : "";
  const status = typeof error.statusCode === "number" && Number.isInteger(error.statusCode) ? error.statusCode : STATUS_BY_NAME[name];
  // No headers means no HTTP response reached the SDK: DNS, refused connection, reset, TLS...
  if (headers === null && status === undefined) {
    return { ok: false, retryable: true, error: redact(`resend network error: ${message || name}`, apiKey) };
  }
  const error_ = redact(`resend ${status ?? "?"} ${name}: ${message}`.trim(), apiKey);
  const retryAfterSeconds = parseRetryAfter(headers?.["retry-after"]);
  const wait = retryAfterSeconds === undefined ? {} : { retryAfterSeconds };
  if (status === 409 && name === "invalid_idempotent_request") {
    // The key was used before with another body (a retry whose answer was lost, re-rendered after a deploy):
    // Resend accepted that first request and will not send this one. That is the email, already on its way.
    return { ok: true, id: null, alreadyAccepted: true };
  }
  if (status === 409 && name === "concurrent_idempotent_requests") {
    // A send with this key is still being processed: it settles within a second or two.
    return { ok: false, retryable: true, inFlight: true, status, ...wait, error: error_ };
  }
  if (status === 429) return { ok: false, retryable: true, status, ...wait, error: error_ };
  const retryable = status === undefined || status >= 500 || status === 408;
  return { ok: false, retryable, ...(status === undefined ? {} : { status }), ...(retryable ? wait : {}), error: error_ };
}

/**
 * Creates a {@link Transport} that sends through Resend's official SDK. Every call is bounded by `timeoutMs`
 * (the SDK has no timeout of its own) and carries `idempotencyKey` as `Idempotency-Key`, so a retried job
 * never sends twice. Never throws from `send`: failures come back as `{ok: false, retryable, ...}`, with 429,
 * 5xx, network faults and timeouts retryable and other 4xx not. A 409 `invalid_idempotent_request` (the key
 * was already used, with another body) means Resend accepted the first send of that key: it comes back as
 * `{ok: true, id: null, alreadyAccepted: true}`. A 409 `concurrent_idempotent_requests` is retryable soon
 * (`inFlight`).
 */
export function createResendTransport(options: ResendTransportOptions): Transport {
  const { apiKey, from } = options;
  if (!apiKey || !apiKey.trim()) throw new TypeError("createResendTransport: apiKey is required");
  if (!from || !from.trim()) throw new TypeError("createResendTransport: from is required");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError("createResendTransport: timeoutMs must be a positive number");
  }
  // Always given to the SDK, which would otherwise read RESEND_BASE_URL itself: configuration is read in
  // @rekey/config only. A trailing slash (which the SDK would turn into `//emails`) is dropped.
  const baseUrl = normaliseBaseUrl(options.baseUrl || DEFAULT_BASE_URL);
  const resend = new Resend(apiKey, { baseUrl });

  return {
    kind: "resend",
    timeoutMs,
    async send(input: SendInput): Promise<SendResult> {
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<SendResult>((resolve) => {
        timer = setTimeout(() => {
          resolve({ ok: false, retryable: true, error: `resend request timed out after ${timeoutMs} ms` });
          controller.abort();
        }, timeoutMs);
      });
      const attempt = (async (): Promise<SendResult> => {
        const response = await resend.emails.send(
          { from, to: input.to, subject: input.subject, html: input.html, text: input.text },
          { idempotencyKey: input.idempotencyKey, signal: controller.signal },
        );
        if (response.error) return classify(response.error, response.headers, apiKey);
        if (!response.data?.id) {
          return { ok: false, retryable: true, error: "resend answered without an email id" };
        }
        return { ok: true, id: response.data.id };
      })().catch((err: unknown): SendResult => ({
        ok: false,
        retryable: true,
        error: redact(`resend send failed: ${err instanceof Error ? err.message : String(err)}`, apiKey),
      }));
      try {
        return await Promise.race([attempt, timedOut]);
      } finally {
        clearTimeout(timer);
        controller.abort();
      }
    },
  };
}
