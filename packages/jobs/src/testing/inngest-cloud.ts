import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Inngest } from "inngest";
import { serve } from "inngest/next";
import type { JobDeps } from "../deliver";
import { createFunctions } from "../functions";

/**
 * Inngest Cloud, as far as the served `/api/inngest` endpoint sees it: signed execution requests.
 *
 * No Inngest server can run here, so the tests play its part. The scheme below is written from the
 * SDK's source (inngest 4.24: `InngestCommHandler.validateSignature`, `RequestSignature`,
 * `helpers/net.ts#signDataWithKey`, `helpers/strings.ts#removeSigningKeyPrefix`), independently of it
 * (node:crypto, not the SDK's helpers):
 *
 * - header `X-Inngest-Signature: t=<unix seconds>&s=<hex>`;
 * - `s` = HMAC-SHA256, keyed with the signing key minus its `signkey-<env>-` prefix (the hex text itself,
 *   as UTF-8 bytes, not hex-decoded), over the body followed by the decimal timestamp `t`;
 * - the SDK parses the body and checks the signature over `canonicalize(parsed)` (RFC 8785 JSON), so the
 *   bytes Cloud signs are canonical JSON: keys sorted, no whitespace. {@link canonicalJson} writes that;
 * - a timestamp more than 5 minutes away from the SDK's clock (either way) is refused as expired;
 * - a failed check answers 401 `{"message":"Unauthorized"}` before any function code runs;
 * - answers are signed back the same way (over the answer's text) with the key that verified the request.
 */

/** A signing key in Inngest's format: `signkey-test-` (or `prod`) and 64 hex digits. */
export function newSigningKey(env: "test" | "prod" = "test"): string {
  return `signkey-${env}-${randomBytes(32).toString("hex")}`;
}

/** The signing key as the HMAC uses it: without its `signkey-<env>-` prefix. */
export function signingKeyBody(signingKey: string): string {
  return signingKey.replace(/^signkey-\w+-/, "");
}

/** The HMAC the SDK expects for `body` at `timestamp` (unix seconds). */
function signatureFor(body: string, signingKey: string, timestamp: number): string {
  return createHmac("sha256", signingKeyBody(signingKey))
    .update(body + String(timestamp))
    .digest("hex");
}

/** The value of `X-Inngest-Signature` for `body`, signed now (or at `at`). */
export function signatureHeader(body: string, signingKey: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t}&s=${signatureFor(body, signingKey, t)}`;
}

/** True when `header` (an answer's `X-Inngest-Signature`) signs `body` with `signingKey`. */
export function verifySignatureHeader(header: string | null, body: string, signingKey: string): boolean {
  if (!header) return false;
  const params = new URLSearchParams(header);
  const t = Number(params.get("t"));
  return Number.isInteger(t) && params.get("s") === signatureFor(body, signingKey, t);
}

/** RFC 8785 for the JSON these tests send (strings, integers, booleans, null, arrays, objects). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Inngest's id of a step: the SHA-1 (hex) of the id the code gave it. */
export function hashedStepId(id: string): string {
  return createHash("sha1").update(id).digest("hex");
}

const SERVE_PATH = "/api/inngest";

/**
 * The served endpoint as apps/web/src/app/api/inngest/route.ts builds it: `serve` from `inngest/next`
 * over the runtime's client and `createFunctions(client, getDeps)`, with the app's origin and path. Its
 * `POST` takes a web `Request` (Next hands route handlers a `NextRequest`, a subclass).
 */
export function servedInngest(inngest: Inngest, getDeps: () => Promise<JobDeps>, appUrl: string) {
  return serve({ client: inngest, functions: createFunctions(inngest, getDeps), serveOrigin: appUrl, servePath: SERVE_PATH });
}

/** An event as Inngest stores it and hands it to a run. */
export interface StoredEvent {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
}

/** Memoised step results, keyed by the step's hashed id, as Inngest sends them back. */
type StepState = Record<string, { type: "data"; data: unknown } | { type: "error"; error: unknown }>;

export interface ExecutionCall {
  /** `<app id>-<function id>`, the id the app registered. */
  fnId: string;
  event: StoredEvent;
  runId: string;
  /** 0 for the first try; Inngest counts retries of the current step here. */
  attempt?: number;
  maxAttempts?: number;
  steps?: StepState;
}

/** The body of an execution request, as the executor sends it (request version 2). */
export function executionBody(call: ExecutionCall): Record<string, unknown> {
  const steps = call.steps ?? {};
  const stack = Object.keys(steps);
  return {
    ctx: {
      attempt: call.attempt ?? 0,
      disable_immediate_execution: false,
      max_attempts: call.maxAttempts,
      run_id: call.runId,
      stack: { current: Math.max(stack.length - 1, 0), stack },
      use_api: false,
    },
    event: call.event,
    events: [call.event],
    steps,
    version: 2,
  };
}

export interface SignOptions {
  signingKey?: string;
  /** When the signature was made (default now); the SDK refuses one more than 5 minutes off. */
  at?: Date;
  /** Replaces the header entirely (`null`: no header at all). */
  header?: string | null;
}

/**
 * `POST /api/inngest?fnId=…&stepId=step` as Inngest Cloud sends it: canonical JSON, signed with
 * `sign.signingKey` (unsigned without one), unless `sign.header` replaces the header.
 */
export function executionRequest(appUrl: string, call: ExecutionCall, sign: SignOptions = {}): Request {
  const body = canonicalJson(executionBody(call));
  const url = new URL(SERVE_PATH, appUrl);
  url.searchParams.set("fnId", call.fnId);
  url.searchParams.set("stepId", "step");
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "inngest-cloud-test",
    "x-inngest-server-kind": "cloud",
  };
  const header = sign.header !== undefined ? sign.header : sign.signingKey ? signatureHeader(body, sign.signingKey, sign.at) : null;
  if (header !== null) headers["x-inngest-signature"] = header;
  return new Request(url, { method: "POST", headers, body });
}

/** An answer of the served endpoint, read once. */
export interface ServedAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function readAnswer(response: Response): Promise<ServedAnswer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A step op in a 206 answer: what Inngest stores for the step (its output, or its error). */
export interface StepOp {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  data?: unknown;
  error?: { name?: string; message?: string };
}
