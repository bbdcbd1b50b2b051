/**
 * Helpers the integration suites share: accounts, reset links minted the way the email job mints them,
 * tRPC failures read the way a client reads them, and a small client for the REST adapter over real HTTP.
 */
import { AuthError, mintResetLink } from "@rekey/auth";
import { auditEvents, emailOutbox, eq, users } from "@rekey/db";
import { TRPCError } from "@trpc/server";
import { describeError } from "../errors";
import type { Runtime } from "@rekey/runtime";
import type { TestDatabaseTarget } from "@rekey/db/testing";
import { afterAll, beforeAll } from "vitest";
import { callerFor, createTestRuntime, serveFront, type CallerOptions, type TestRuntime } from "./index";

/** Neither is in the shipped blocklist. */
export const PASSWORD = "Correct-Horse-7431";
export const NEW_PASSWORD = "Battery-Staple-9902";

/** Limits high enough that suites sending everything from 127.0.0.1 never meet them by accident. */
export const RELAXED_LIMITS = "reset_ip=10000/15m,token_ip=10000/1m,signup_ip=10000/1h";

/**
 * A test runtime with the captcha switched off: the web form always needs one and REST clients need one
 * after a per-IP soft limit, which suites about other behaviour would otherwise keep running into.
 */
export function runtimeFor(target: TestDatabaseTarget, env: Record<string, string> = {}): Promise<TestRuntime> {
  return createTestRuntime(target, { CAPTCHA: "off", ...env });
}

let seq = 0;
/** A name no other test of this file uses (each runtime starts from an empty database). */
export function unique(prefix: string): string {
  seq += 1;
  return `${prefix}${seq}`;
}

let ipSeq = 0;
/** A fresh client IP (benchmark range 198.18.0.0/15), so per-IP limits of one test never touch another. */
export function nextIp(): string {
  ipSeq += 1;
  return `198.18.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}`;
}

export interface TestUser {
  id: string;
  email: string;
  username: string;
  password: string;
}

export async function createUser(runtime: Runtime, options: { email?: string; username?: string; password?: string } = {}): Promise<TestUser> {
  const username = options.username ?? unique("user");
  const email = options.email ?? `${username}@example.com`;
  const password = options.password ?? PASSWORD;
  const caller = callerFor(runtime, { transport: "rest", ip: nextIp() });
  const user = await caller.auth.signUp({ email, username, password });
  return { ...user, password };
}

export async function outboxRows(runtime: Runtime, kind: "password_reset" | "password_changed", recipient?: string) {
  const rows = await runtime.deps.db.select().from(emailOutbox).where(eq(emailOutbox.kind, kind));
  return recipient === undefined ? rows : rows.filter((row) => row.recipient === recipient);
}

/** Asks for a reset through tRPC and returns the id of the one outbox row the request wrote. */
export async function requestReset(runtime: Runtime, email: string, options: CallerOptions = {}): Promise<string> {
  const before = new Set((await outboxRows(runtime, "password_reset")).map((row) => row.id));
  await callerFor(runtime, { transport: "rest", ip: nextIp(), ...options }).auth.passwordReset.request({ email });
  const added = (await outboxRows(runtime, "password_reset")).filter((row) => !before.has(row.id));
  if (added.length !== 1) throw new Error(`expected one new outbox row, got ${added.length}`);
  return added[0]!.id;
}

/** What the email job does for an outbox row: returns the raw token of the link it would send. */
export async function mintToken(runtime: Runtime, outboxId: string): Promise<string> {
  const result = await mintResetLink(runtime.deps, outboxId);
  if (result.status !== "send") throw new Error(`no link minted: ${result.reason}`);
  const token = new URL(result.link).searchParams.get("token");
  if (!token) throw new Error(`no token in ${result.link}`);
  return token;
}

export async function resetTokenFor(runtime: Runtime, email: string, options: CallerOptions = {}): Promise<string> {
  return mintToken(runtime, await requestReset(runtime, email, options));
}

export async function setUserStatus(runtime: Runtime, userId: string, status: "active" | "disabled"): Promise<void> {
  await runtime.deps.db.update(users).set({ status }).where(eq(users.id, userId));
}

export async function auditRows(runtime: Runtime, event: string, reason?: string) {
  const rows = await runtime.deps.db.select().from(auditEvents).where(eq(auditEvents.event, event));
  return reason === undefined ? rows : rows.filter((row) => row.reason === reason);
}

export interface Failure {
  /** The tRPC code a tRPC client sees. */
  trpcCode: TRPCError["code"];
  /** The domain code (`data.domainCode` on the wire). */
  domainCode: string;
  message: string;
  retryAfter: number | undefined;
}

/** Awaits a call that must fail and reads the failure the way a client of the router does. */
export async function failureOf(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    const cause = error.cause instanceof AuthError ? error.cause : undefined;
    return {
      trpcCode: error.code,
      domainCode: cause?.code ?? describeError(error, "zh-CN").code,
      message: error.message,
      retryAfter: cause?.retryAfter,
    };
  }
  throw new Error("expected the call to fail, it succeeded");
}

/** Reads `rekey_session=<token>` out of the Set-Cookie a web sign-in wrote, as a Cookie header value. */
export function sessionCookie(resHeaders: Headers): string {
  const line = resHeaders.getSetCookie().find((value) => /^(__Host-)?rekey_session=[^;]+/.test(value));
  if (!line) throw new Error("no session cookie was set");
  return line.split(";")[0]!;
}

export interface RestResponse {
  status: number;
  headers: Headers;
  /** The raw body, for byte-level comparisons and leak checks. */
  text: string;
  // The envelope's `data` differs per path; tests assert on it with matchers.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: { code: number; msg: string; data: any };
}

export interface RestClient {
  url: string;
  /** POST `/api/v1/user/<name>`; a string body is sent as is, anything else as JSON. */
  post(name: string, body?: unknown, headers?: Record<string, string>): Promise<RestResponse>;
  get(name: string, headers?: Record<string, string>): Promise<RestResponse>;
  /** Any request to a path below the server root. */
  fetch(path: string, init?: RequestInit): Promise<RestResponse>;
  close(): Promise<void>;
}

async function read(response: Response): Promise<RestResponse> {
  const text = await response.text();
  let body: RestResponse["body"];
  try {
    body = JSON.parse(text) as RestResponse["body"];
  } catch {
    throw new Error(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** The REST adapter of `runtime` over real HTTP on 127.0.0.1, mounted by the app's front as in production. */
export async function startRest(runtime: Runtime): Promise<RestClient> {
  const server = await serveFront(runtime);
  const send = async (path: string, init: RequestInit = {}) => read(await fetch(`${server.url}${path}`, init));
  return {
    url: server.url,
    fetch: send,
    post: (name, body, headers = {}) =>
      send(`/api/v1/user/${name}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      }),
    get: (name, headers = {}) => send(`/api/v1/user/${name}`, { method: "GET", headers }),
    close: () => server.close(),
  };
}

/**
 * A runtime over `target` (RELAXED_LIMITS unless `env` says otherwise) with a REST client on it, opened
 * before the enclosing describe block's tests and closed after them. Read `t` and `rest` inside tests.
 */
export function restSuite(
  target: TestDatabaseTarget,
  env: Record<string, string> = { RATE_LIMITS: RELAXED_LIMITS },
): { t: TestRuntime; rest: RestClient } {
  const suite = {} as { t: TestRuntime; rest: RestClient };
  beforeAll(async () => {
    suite.t = await runtimeFor(target, env);
    suite.rest = await startRest(suite.t.runtime);
  });
  afterAll(async () => {
    await suite.rest?.close();
    await suite.t?.close();
  });
  return suite;
}
