import { DrizzleQueryError } from "drizzle-orm";

/**
 * What may be said about a thrown value in a log line or in stored error text (`email_outbox.last_error`,
 * audit details). Database errors are reduced to their SQLSTATE code and the server's message: drizzle's
 * message embeds the query's parameters, and the drivers' `detail` ("Failing row contains (…)"), `query`,
 * `parameters`/`params` and `where` fields carry row values (reset links, hashes, emails).
 */
export interface ErrorSummary {
  name: string;
  /** SQLSTATE for database errors; otherwise a short symbolic code (`ECONNREFUSED`, `TOKEN_INVALID`). */
  code?: string;
  message: string;
  /** The cause, summarised the same way (non-database chains only, a few levels deep). */
  cause?: ErrorSummary;
  /** Set for database errors, which are logged by code and message only (CONTRACT §6): no stack either. */
  database?: true;
}

/** Longest message kept (after scrubbing). */
export const MAX_ERROR_TEXT = 500;

const REDACTED = "[redacted]";
const UUID = /^[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;
const SQLSTATE = /^[0-9A-Z]{5}$/;
const SAFE_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;
// Bounded quantifiers: no quadratic backtracking on long runs of word characters.
const SECRET_KEY = "[\\w-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|session|cookie|captcha|authorization)[\\w-]{0,40}";
const PAIR_VALUE = `((?:Bearer|Basic)\\s+[^\\s"',;]+|"[^"]*"|'[^']*'|[^\\s&,;'"]+)`;

interface Rule {
  /** A cheap test that must pass before the rule's own pattern runs (most strings skip most rules). */
  when: RegExp;
  pattern: RegExp;
  replacement: string | ((match: string) => string);
}

/** Ordered: cut what follows a dump first, then the narrower patterns, then long opaque runs. */
const RULES: Rule[] = [
  // drizzle's "Failed query: …\nparams: …" and anything else that dumps parameters: drop the rest.
  { when: /param/i, pattern: /\b(?:params|parameters)\s*:[\s\S]*/gi, replacement: "[parameters removed]" },
  { when: /failing row/i, pattern: /\bFailing row contains[\s\S]*/gi, replacement: "[row removed]" },
  { when: /Key \(/, pattern: /\bKey \((.*?)\)=\([\s\S]*/g, replacement: `Key ($1)=(${REDACTED})` },
  // Credentials in a URL's userinfo, then query strings and fragments of any URL (links carry tokens).
  { when: /@/, pattern: /(\/\/[^\s:/@]+):[^\s@/]+@/g, replacement: `$1:${REDACTED}@` },
  { when: /:\/\//, pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi, replacement: `$1?${REDACTED}` },
  { when: /[?&][^=]*=/, pattern: /([?&])([\w.-]+)=[^\s&#"'<>]*/g, replacement: `$1$2=${REDACTED}` },
  {
    when: /(?:password|passwd|pwd|secret|token|key|session|cookie|captcha|authorization)[\w-]{0,40}"?\s*[=:]/i,
    pattern: new RegExp(`\\b(${SECRET_KEY})("?\\s*[=:]\\s*)${PAIR_VALUE}`, "gi"),
    replacement: `$1$2${REDACTED}`,
  },
  { when: /code"?\s*=/i, pattern: new RegExp(`\\b([\\w-]{0,40}code)("?\\s*=\\s*)${PAIR_VALUE}`, "gi"), replacement: `$1$2${REDACTED}` },
  { when: /bearer/i, pattern: /\b(Bearer)\s+[^\s"',;]+/gi, replacement: `$1 ${REDACTED}` },
  { when: /basic/i, pattern: /\b(Basic)\s+[A-Za-z0-9+/=]{8,}/gi, replacement: `$1 ${REDACTED}` },
  // Standard base64 (captcha payloads, keys): long, mixed, and without the "._-" of file paths. Runs
  // first, so the base64url rule below cannot split such a run and leave pieces behind.
  {
    when: /[A-Za-z0-9+/]{40}/,
    // Whole runs only: a base64url token ("-", "_") must not lose its middle here and keep its ends.
    pattern: /(?<![\w+/-])[A-Za-z0-9+/]{40,}={0,2}(?![\w+/=-])/g,
    replacement: (run) => (/\d/.test(run) && /[a-z]/.test(run) && /[A-Z]/.test(run) ? REDACTED : run),
  },
  // base64url / hex runs: our tokens (43), SHA-256 hex (64), session ids, generated secrets, API keys.
  { when: /[\w-]{32}/, pattern: /[A-Za-z0-9_-]{32,}/g, replacement: (run) => (UUID.test(run) || !looksRandom(run) ? run : REDACTED) },
];
/** Nothing any rule looks for: the common log string leaves after this one test. */
const MAYBE_SECRET = /[=:?#@]|bearer|basic|failing row|[\w+/-]{32}/i;

/** A digit or mixed case: CONSTANT_NAMES and plain paths stay readable, random strings do not. */
function looksRandom(run: string): boolean {
  return /\d/.test(run) || (/[a-z]/.test(run) && /[A-Z]/.test(run));
}

/**
 * Removes what looks like a secret from free text and bounds its length: URL query strings and
 * fragments, `Bearer …`, `password=…`-like pairs, long base64url/hex runs (≥ 32 characters), and
 * everything after `params:` or `Failing row contains`. A regex pass, cheap enough for every log line.
 */
export function scrubSecrets(text: string, maxLength: number = MAX_ERROR_TEXT): string {
  // Rules may shrink the text, so work on twice the bound. A cut there may leave the start of a long
  // secret at the end, too short for the run rules to recognise: that partial run is dropped.
  const window = maxLength * 2;
  const truncated = text.length > window;
  let out = truncated ? text.slice(0, window).replace(/[\w+/=-]+$/, "") : text;
  if (MAYBE_SECRET.test(out)) {
    for (const { when, pattern, replacement } of RULES) {
      if (!when.test(out)) continue;
      out = typeof replacement === "string" ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
    }
  }
  return truncated || out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null;

/** drizzle wraps every failed query; checked by shape too, as a bundler may load two copies of drizzle. */
function isDrizzleQueryError(value: unknown): boolean {
  return (
    value instanceof DrizzleQueryError ||
    (value instanceof Error && "query" in value && "params" in value && value.message.startsWith("Failed query:"))
  );
}

/** postgres.js `PostgresError` and PGlite's (pg-protocol) `DatabaseError`: a SQLSTATE and a severity. */
function isDriverError(value: unknown): value is Fields & { code: string; message: string } {
  return (
    isObject(value) &&
    typeof value.code === "string" &&
    SQLSTATE.test(value.code) &&
    typeof value.severity === "string" &&
    typeof value.message === "string"
  );
}

function driverMessage(error: { code: string; message: string }): string {
  // Data exceptions (class 22) quote the offending value: `invalid input syntax for type uuid: "…"`.
  const message = error.code.startsWith("22") ? error.message.replace(/"[^"]*"/g, `"${REDACTED}"`) : error.message;
  return scrubSecrets(message);
}

function nameOf(value: unknown): string {
  if (value instanceof Error) return value.name || "Error";
  if (isObject(value) && typeof value.name === "string") return value.name;
  return typeof value;
}

function safeCode(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return typeof value === "string" && SAFE_CODE.test(value) ? value : undefined;
}

/** A database failure anywhere in the cause chain (a TRPCError wraps a DrizzleQueryError, and so on). */
function databaseSummary(error: unknown): ErrorSummary | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && isObject(current); depth += 1) {
    if (isDrizzleQueryError(current)) {
      const cause: unknown = current.cause;
      if (isDriverError(cause)) return { name: "DrizzleQueryError", code: cause.code, message: driverMessage(cause), database: true };
      // Connection failures (`CONNECTION_ENDED`, `PGlite is closed`): the cause's own code and message.
      const inner = isObject(cause) ? summarize(cause, 3) : undefined;
      return { name: "DrizzleQueryError", code: inner?.code, message: inner?.message ?? "query failed", database: true };
    }
    if (isDriverError(current)) {
      const name = current.name === "PostgresError" ? "PostgresError" : "DatabaseError";
      return { name, code: current.code, message: driverMessage(current), database: true };
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Turns any thrown value into `{ name, code?, message }` that is safe to log or store. Database errors
 * (drizzle's DrizzleQueryError, postgres.js, PGlite), even wrapped by another error, give their SQLSTATE
 * code and the server's message only; anything else gives its name, a symbolic code if it has one, its
 * message and its cause. Every message passes {@link scrubSecrets}.
 */
export function summarizeError(error: unknown): ErrorSummary {
  return summarize(error, 0);
}

function summarize(error: unknown, depth: number): ErrorSummary {
  const database = databaseSummary(error);
  if (database) return dropUndefined(database);
  if (!isObject(error)) return { name: nameOf(error), message: scrubSecrets(String(error)) };
  const message = typeof error.message === "string" ? error.message : "";
  const summary: ErrorSummary = { name: nameOf(error), code: safeCode(error.code), message: scrubSecrets(message) };
  if (isObject(error.cause) && depth < 3) summary.cause = summarize(error.cause, depth + 1);
  return dropUndefined(summary);
}

function dropUndefined(summary: ErrorSummary): ErrorSummary {
  if (summary.code === undefined) delete summary.code;
  if (summary.cause === undefined) delete summary.cause;
  return summary;
}

/**
 * One line for stored error text (`email_outbox.last_error`, audit details): `Name [CODE]: message`,
 * built from {@link summarizeError}, so it never holds SQL parameters or row values.
 */
export function safeErrorText(error: unknown): string {
  const summary = summarizeError(error);
  const code = summary.code ? ` [${summary.code}]` : "";
  return `${summary.name}${code}: ${summary.message}`.slice(0, MAX_ERROR_TEXT);
}
