import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createCaptchaChallenge } from "@rekey/auth";
import { loadConfig } from "@rekey/config";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import type { TestDatabaseTarget } from "@rekey/db/testing";
import type { Transport as EmailTransport, WorkerOptions } from "@rekey/jobs";
import { REMOTE_ADDR_HEADER } from "../client-ip";
import { createContext, type Transport } from "../context";
import { createFront, type FrontOptions } from "../http/front";
import { createLogger, createRuntime, type Runtime } from "@rekey/runtime";
import { fakeClock, type FakeClock } from "@rekey/testing";
import { createCaller } from "../root";

export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";
/** About 1/40 of the production captcha's work. */
const TEST_CAPTCHA_WORK = { cost: 100, counter: { min: 20, max: 200 } };

export interface TestRuntime {
  runtime: Runtime;
  clock: FakeClock;
  /** Every log line the runtime wrote, as raw JSON text. */
  logs: string[];
  close(): Promise<void>;
}

/** A runtime over a fresh database of `target`, with env overrides, a fake clock and captured logs. */
export async function createTestRuntime(
  target: TestDatabaseTarget,
  env: Record<string, string> = {},
  options: { clock?: FakeClock; transport?: EmailTransport; worker?: WorkerOptions } = {},
): Promise<TestRuntime> {
  const database = await target.create();
  const clock = options.clock ?? fakeClock();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const config = loadConfig({ AUTH_SECRET: TEST_SECRET, APP_URL: "http://rekey.test", LOG_LEVEL: "debug", ...env });
  const runtime = await createRuntime({
    config,
    database,
    clock,
    logger: createLogger("debug", sink),
    transport: options.transport,
    worker: options.worker,
    // Real challenges and real verification, with a fraction of the work: suites solve dozens of them.
    captchaWork: TEST_CAPTCHA_WORK,
  });
  return { runtime, clock, logs, close: () => runtime.close() };
}

export interface CallerOptions {
  transport?: Transport;
  ip?: string;
  headers?: Record<string, string>;
}

/** A tRPC caller with the context a real request would build (IP, user agent, cookies or bearer). */
export function callerFor(runtime: Runtime, options: CallerOptions = {}) {
  const headers = new Headers(options.headers);
  headers.set(REMOTE_ADDR_HEADER, options.ip ?? "192.0.2.10");
  const resHeaders = new Headers();
  const req = new Request("http://rekey.test/api/trpc", { headers });
  const caller = createCaller(createContext(runtime, req, resHeaders, options.transport ?? "web"));
  // The caller is a tRPC proxy that answers every property with a procedure path (and shares one target
  // function between all callers), so `Object.assign` cannot add a property to it: wrap it instead.
  return new Proxy(caller, {
    get: (target, key, receiver) => (key === "resHeaders" ? resHeaders : Reflect.get(target, key, receiver)),
  }) as typeof caller & { resHeaders: Headers };
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The app's HTTP front (the API, security headers, refusals) over real HTTP on 127.0.0.1, as server.mjs
 * mounts it. What the front hands to Next (pages) gets `page(req, res)`, by default a bare HTML answer.
 */
export async function serveFront(
  runtime: Runtime,
  options: FrontOptions & { page?: (req: IncomingMessage, res: ServerResponse) => void } = {},
): Promise<TestServer> {
  const front = createFront(runtime, options);
  const page =
    options.page ??
    ((_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!doctype html><title>page</title>");
    });
  const server: Server = front.createServer(page);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Solves a fresh captcha challenge the way the widget does and returns the payload it would submit. */
export async function solvedCaptcha(runtime: Runtime): Promise<string> {
  const challenge = await createCaptchaChallenge(runtime.deps);
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("captcha challenge not solved");
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}
