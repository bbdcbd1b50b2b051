/** The properties every answer must satisfy (CONTRACT.md §2, §3, §6). */
import { isKnownProcedure } from "./endpoints";
import { header, type Answer } from "./http";
import type { FuzzCase } from "./model";

export const VIOLATION_KINDS = [
  "no-answer",
  "5xx",
  "non-envelope",
  "stack-trace",
  "trpc-unknown-not-404",
  "trpc-batch-over-10",
  "trpc-body-over-64k",
  "trpc-cross-site",
] as const;
export type ViolationKind = (typeof VIOLATION_KINDS)[number];

interface Violation {
  kind: ViolationKind;
  detail: string;
}

/** Which properties a case was checked against (beyond the ones every answer gets), for the summary. */
export type Rule = "envelope" | "unknown-procedure" | "batch-over-10" | "body-over-64k" | "cross-site";

export interface Verdict {
  violations: Violation[];
  applied: Rule[];
}

const REST_PREFIX = "/api/v1/";
const TRPC_PREFIX = "/api/trpc/";
const KIB64 = 64 * 1024;
const MAX_BATCH = 10;
/** Node refuses a request line + headers over 16 KiB (maxHeaderSize) before the app sees it; keep a margin. */
const MAX_HEAD_BYTES = 15 * 1024;

/** tRPC error codes a call can get without any procedure having run. */
const PRE_PROCEDURE_CODES = new Set(["FORBIDDEN", "NOT_FOUND", "METHOD_NOT_SUPPORTED", "PARSE_ERROR", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"]);

/**
 * Header mutations that make the request invalid or special at the HTTP layer (oversized or malformed headers,
 * Expect, Upgrade, a garbage Host, Next's own router headers): whatever answers first, it is not tRPC, so the
 * tRPC rules are not checked under them (the 5xx, answer and stack-trace properties still are).
 */
const HTTP_LAYER_TAGS = new Set([
  "hdr:huge-value",
  "hdr:control-byte",
  "hdr:malformed-name",
  "hdr:obs-fold",
  "hdr:expect",
  "hdr:upgrade",
  "hdr:many",
  "hdr:host",
  "hdr:next-internal",
]);
/** Headers that change the answer's format or negotiation: the unknown-procedure rule is not checked under them. */
const NEGOTIATION_TAGS = new Set(["hdr:trpc-accept", "hdr:accept", "hdr:range"]);

const STACK_PATTERNS: RegExp[] = [/\bat .+\(.+:\d+:\d+\)/, /\n\s+at /, /node_modules/, /webpack-internal/, /\.tsx?:\d+/];

/** The answer came from Node's HTTP parser (or server internals) before the app saw the request. */
function isBare(a: Answer): boolean {
  return (
    a.outcome === "answer" &&
    a.body.length === 0 &&
    a.headers.every(([n]) => n === "connection" || n === "transfer-encoding" || n === "content-length" || n === "date" || n === "keep-alive")
  );
}

/**
 * The app's answer to a request that is not valid HTTP (refused by Node's parser, or a target it cannot read):
 * a 400 with the REST parameter-error envelope, whatever the path. tRPC's own answers never take this shape,
 * so on a tRPC path it means the request never reached the tRPC layer.
 */
function isHttpLayerRefusal(a: Answer): boolean {
  if (a.outcome !== "answer" || a.status !== 400) return false;
  const body = parseJson(a);
  return isPlainObject(body) && body.code === 501 && body.data === null && Object.keys(body).length === 3;
}

/** A short description of what came back, used in signatures and examples. */
export function answerShape(a: Answer): string {
  if (a.outcome !== "answer") return a.outcome === "timeout" ? "timeout" : `closed without status (${a.error || "EOF"})`;
  if (isBare(a)) return "Node-level answer, no body";
  const location = header(a, "location");
  if (location !== undefined) return `redirect → ${location.slice(0, 60)}`;
  const ct = header(a, "content-type") ?? "";
  if (a.body.length === 0) return `empty body${ct ? ` (${ct})` : ""}`;
  const text = a.body.toString("utf8");
  if (/json/i.test(ct)) {
    try {
      const v: unknown = JSON.parse(text);
      if (isEnvelope(v)) return `envelope code ${v.code}`;
      return "JSON, not an envelope";
    } catch {
      return "invalid JSON";
    }
  }
  if (/html/i.test(ct) || /^\s*</.test(text)) return "HTML page";
  return `${ct || "no content-type"}: ${JSON.stringify(text.slice(0, 40))}`;
}

interface Envelope {
  code: number;
  msg: string;
  data: object | null;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isEnvelope(v: unknown): v is Envelope {
  return isPlainObject(v) && Number.isInteger(v.code) && typeof v.msg === "string" && v.msg.length > 0 && (v.data === null || isPlainObject(v.data));
}

function pathPart(target: string): string {
  return target.split(/[?#]/, 1)[0] ?? "";
}

/** WHATWG URL normalisation (dot segments, backslashes), or the raw path when it does not parse. */
function normalized(path: string): string {
  try {
    return new URL(path, "http://fuzz.invalid").pathname;
  } catch {
    return path;
  }
}

/**
 * Is this request under `/api/v1/` whichever way a server reads the path? Raw bytes and the normalised path
 * must both say so (`/api/v1/../trpc/x` is a tRPC request once normalised: no envelope is owed there).
 */
function restScope(target: string): { inScope: boolean; document?: "openapi" } {
  const raw = pathPart(target);
  if (!raw.startsWith(REST_PREFIX)) return { inScope: false };
  const norm = normalized(raw);
  if (!norm.startsWith(REST_PREFIX)) return { inScope: false };
  // Repeated slashes are one (the server reads //openapi.json as /openapi.json).
  const trimmed = norm.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  if (trimmed === "/api/v1/openapi.json") return { inScope: true, document: "openapi" };
  return { inScope: true };
}

function parseJson(a: Answer): unknown {
  try {
    return JSON.parse(a.body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function checkEnvelope(c: FuzzCase, a: Answer, document: "openapi" | undefined): string | undefined {
  const ct = header(a, "content-type") ?? "";
  const jsonType = /^application\/json\b/i.test(ct);
  if (c.spec.method === "HEAD") {
    if (isBare(a)) return `HEAD answered ${a.status} by Node itself (no envelope headers)`;
    if (a.status < 200 || (a.status >= 300 && a.status < 400)) return `HEAD answered ${a.status}`;
    if (!jsonType) return `HEAD ${a.status} with content-type ${JSON.stringify(ct)}`;
    return undefined;
  }
  if (document && a.status === 200) {
    const doc = parseJson(a);
    if (!jsonType || !isPlainObject(doc)) return `200 ${document} document is not a JSON object (${ct})`;
    if (typeof doc.openapi !== "string") return "200 openapi.json without an `openapi` field";
    return undefined;
  }
  if (a.body.length === 0) return `${a.status} with an empty body${isBare(a) ? " (Node-level answer)" : ""}`;
  if (!jsonType) return `${a.status} with content-type ${JSON.stringify(ct)}`;
  const v = parseJson(a);
  if (v === undefined) return `${a.status} body is not JSON`;
  if (!isEnvelope(v)) return `${a.status} JSON is not {code:number, msg:non-empty string, data:object|null}`;
  const expected = v.code === 501 ? 400 : v.code;
  if (a.status !== expected) return `HTTP ${a.status} but envelope code ${v.code}`;
  return undefined;
}

function stackTrace(c: FuzzCase, a: Answer): string | undefined {
  if (a.body.length === 0) return undefined;
  const text = a.body.subarray(0, 512 * 1024).toString("utf8");
  const request = c.payload.toString("latin1");
  for (const re of STACK_PATTERNS) {
    const m = re.exec(text);
    // A match the request itself carries is an echo, not a leak.
    if (m && !request.includes(m[0]) && !Buffer.from(request, "latin1").toString("utf8").includes(m[0]))
      return `body matches ${re}: ${JSON.stringify(m[0].slice(0, 80))}`;
  }
  return undefined;
}

/** tRPC error codes in an answer body (one per call for a batch), or "result" for a successful call. */
function trpcCodes(body: unknown): string[] {
  const items = Array.isArray(body) ? body : [body];
  return items.map((item) => {
    if (!isPlainObject(item)) return "?";
    if ("result" in item) return "result";
    const err = item.error;
    if (isPlainObject(err) && isPlainObject(err.data) && typeof err.data.code === "string") return err.data.code;
    return "?";
  });
}

function trpcChecks(c: FuzzCase, a: Answer, out: Violation[], applied: Rule[]): void {
  const s = c.spec;
  if (s.surface !== "trpc" || !s.trpc || !s.cleanPath || isBare(a) || isHttpLayerRefusal(a) || c.incomplete || a.truncated) return;
  if (s.tags.some((t) => HTTP_LAYER_TAGS.has(t)) || c.headBytes > MAX_HEAD_BYTES) return;
  if (!pathPart(c.target).startsWith(TRPC_PREFIX)) return;
  if (s.method !== "GET" && s.method !== "POST") return;
  const wellFramed = s.framing.kind === "length" || s.framing.kind === "chunked";
  if (!wellFramed) return;
  const params = new URLSearchParams(s.query.split("#", 1)[0]?.replace(/^\?/, "") ?? "");
  const batch = params.get("batch") === "1";
  const calls = batch ? pathPart(c.target).slice(TRPC_PREFIX.length).split(",") : [pathPart(c.target).slice(TRPC_PREFIX.length)];
  const body = parseJson(a);
  const codes = body === undefined ? [] : trpcCodes(body);
  const tooBig = s.method === "POST" && c.bodyBytes > KIB64;

  // Body over 64 KiB: 413 before parsing. Refusals decided from the request line and headers alone are as good:
  // 403 for a cross-site (or doubtful) Origin, 415 for a non-JSON Content-Type, 405 for the wrong method.
  if (tooBig) {
    applied.push("body-over-64k");
    const headerOnlyRefusal =
      (a.status === 403 && c.crossSite !== false) ||
      (a.status === 415 && s.contentType.kind !== "default") ||
      (a.status === 405 && codes.every((code) => code === "METHOD_NOT_SUPPORTED"));
    if (a.status !== 413 && !headerOnlyRefusal) {
      out.push({
        kind: "trpc-body-over-64k",
        detail: `${c.bodyBytes}-byte body answered ${a.status} (${codes.join(",") || answerShape(a)}), not 413`,
      });
    }
    return;
  }

  // Procedures that ran: a result, or an error only a procedure (its input parser, middleware or body) can raise.
  // For a batch only per-call answers (an array) count: a single error object refuses the request as a whole.
  const perCall = batch ? (Array.isArray(body) ? codes : []) : codes;
  const ran = perCall.filter((code) => code !== "?" && !PRE_PROCEDURE_CODES.has(code));

  // More than 10 calls: refused before any procedure runs (a per-call refusal such as FORBIDDEN is still a refusal).
  if (batch && calls.length > MAX_BATCH) {
    applied.push("batch-over-10");
    if ((a.status >= 200 && a.status < 300) || ran.length > 0) {
      out.push({
        kind: "trpc-batch-over-10",
        detail: `batch of ${calls.length} answered ${a.status}${Array.isArray(body) ? ` with ${body.length} per-call results (${[...new Set(codes)].join(",")})` : ""}`,
      });
    }
  }

  // Cross-site: refused before any procedure runs.
  if (c.crossSite === true) {
    applied.push("cross-site");
    if ((a.status >= 200 && a.status < 300) || ran.length > 0) {
      out.push({
        kind: "trpc-cross-site",
        detail: `cross-site request answered ${a.status}${ran.length ? ` after procedures ran (${[...new Set(ran)].join(",")})` : ""}`,
      });
    }
    return;
  }

  // Unknown procedure: 404 NOT_FOUND (only on otherwise clean requests, where nothing else may answer first).
  const clean =
    c.crossSite === false &&
    s.cleanQuery &&
    s.contentType.kind === "default" &&
    (s.body === "" || s.bodyIsJson) &&
    !s.tags.some((t) => NEGOTIATION_TAGS.has(t));
  if (!clean || calls.length > MAX_BATCH) return;
  const unknown = calls.map((name) => !isKnownProcedure(name));
  if (!batch && unknown[0]) {
    applied.push("unknown-procedure");
    if (a.status !== 404 || codes[0] !== "NOT_FOUND")
      out.push({ kind: "trpc-unknown-not-404", detail: `unknown procedure answered ${a.status} (${codes.join(",") || answerShape(a)})` });
  } else if (batch && unknown.includes(true) && Array.isArray(body) && body.length === calls.length) {
    applied.push("unknown-procedure");
    const wrong = unknown.map((u, i) => (u && codes[i] !== "NOT_FOUND" ? `#${i}:${codes[i]}` : "")).filter(Boolean);
    if (wrong.length) out.push({ kind: "trpc-unknown-not-404", detail: `unknown procedures in a batch answered ${wrong.join(" ")}` });
  }
}

export function check(c: FuzzCase, a: Answer): Verdict {
  const out: Violation[] = [];
  const applied: Rule[] = [];
  if (a.outcome !== "answer") {
    if (!c.incomplete)
      out.push({
        kind: "no-answer",
        detail: a.outcome === "timeout" ? "no status line before the timeout" : `connection closed without a status line (${a.error || "EOF"})`,
      });
    return { violations: out, applied };
  }
  if (a.truncated && !c.incomplete)
    out.push({ kind: "no-answer", detail: `answer ${a.status} cut off before its body was complete (${a.error || "EOF"})` });
  if (a.status >= 500) out.push({ kind: "5xx", detail: `${a.status} ${answerShape(a)}` });

  const scope = restScope(c.target);
  if (scope.inScope) {
    applied.push("envelope");
    const problem = checkEnvelope(c, a, scope.document);
    if (problem) out.push({ kind: "non-envelope", detail: problem });
  }
  const stack = stackTrace(c, a);
  if (stack) out.push({ kind: "stack-trace", detail: stack });
  trpcChecks(c, a, out, applied);
  return { violations: out, applied };
}
