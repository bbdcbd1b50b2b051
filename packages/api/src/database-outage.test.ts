/**
 * Database outages seen from the HTTP front (issue 9 item 4, CONTRACT §2 and §5): the app's PostgreSQL
 * connections go through a TCP proxy that the test cuts (the server went away: refused, connections closed)
 * or black-holes (a partition: accepted, never answered), then restores.
 *
 * PGlite runs inside this process (no connection, no network): there is no outage to simulate there, so
 * this suite runs against PostgreSQL only, and says so when PostgreSQL is missing.
 */
import { postgresThroughProxy, startPostgresProxy, testDatabases, type TcpProxy } from "@rekey/db/testing";
import { afterEach, describe, expect, it } from "vitest";
import { serveFront, type TestRuntime, type TestServer } from "./testing";
import { createUser, runtimeFor, type TestUser } from "./testing/flows";

const hasPostgres = (await testDatabases()).some((target) => target.name === "postgres");
if (!hasPostgres) console.warn("*** database-outage.test.ts: no PostgreSQL, nothing to cut (PGlite is in-process) ***");

/** Targets (ms): the 500 envelope, health's 503, and full service after the database is back. */
const REST_WITHIN = 2000;
const HEALTH_WITHIN = 1000;
const RECOVERED_WITHIN = 5000;

interface Answer {
  kind: "login" | "reset" | "health";
  status: number;
  body: unknown;
  ms: number;
}

interface Setup {
  proxy: TcpProxy;
  t: TestRuntime;
  server: TestServer;
  user: TestUser;
}

let setup: Setup | undefined;

async function start(): Promise<Setup> {
  const proxy = await startPostgresProxy();
  const t = await runtimeFor(postgresThroughProxy(proxy), { RATE_LIMITS: "off" });
  const server = await serveFront(t.runtime);
  const user = await createUser(t.runtime);
  setup = { proxy, t, server, user };
  return setup;
}

/** Closes the front, the runtime and the proxy; returns how long the first two took. */
async function stop(s: Setup): Promise<number> {
  setup = undefined;
  const began = performance.now();
  try {
    await s.server.close();
    await s.t.close();
    return performance.now() - began;
  } finally {
    await s.proxy.close();
  }
}

afterEach(async () => {
  if (setup) await stop(setup);
});

async function ask(s: Setup, kind: Answer["kind"]): Promise<Answer> {
  const began = performance.now();
  const init: RequestInit = { signal: AbortSignal.timeout(15_000) };
  if (kind !== "health") {
    init.method = "POST";
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(kind === "login" ? { account: s.user.username, password: s.user.password } : { email: s.user.email });
  }
  const path = kind === "health" ? "/api/health" : kind === "login" ? "/api/v1/user/login" : "/api/v1/user/requestPasswordReset";
  const res = await fetch(`${s.server.url}${path}`, init);
  const body: unknown = await res.json();
  return { kind, status: res.status, body, ms: performance.now() - began };
}

const burst = (s: Setup) => Promise.all([ask(s, "health"), ask(s, "login"), ask(s, "reset"), ask(s, "health"), ask(s, "login")]);

/** Traffic for `ms`: a login, a reset and a health probe every 100 ms, all in flight together. */
async function traffic(s: Setup, ms: number): Promise<Answer[]> {
  const pending: Promise<Answer>[] = [];
  const began = performance.now();
  while (performance.now() - began < ms) {
    pending.push(ask(s, "login"), ask(s, "reset"), ask(s, "health"));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Promise.all(pending);
}

/** ms from now until a whole burst succeeds (and keeps succeeding), polled every 100 ms. */
async function untilFullService(s: Setup): Promise<{ firstHealthy: number; full: number }> {
  const began = performance.now();
  let firstHealthy = Number.NaN;
  for (;;) {
    const answers = await burst(s);
    if (Number.isNaN(firstHealthy) && answers.some((a) => a.kind === "health" && a.status === 200)) {
      firstHealthy = performance.now() - began;
    }
    if (answers.every((a) => a.status === 200)) {
      const full = performance.now() - began;
      // Full service: it stays up (no request lands on a connection left over from the outage).
      for (let i = 0; i < 3; i++) for (const a of await burst(s)) expect(a.status, a.kind).toBe(200);
      return { firstHealthy, full };
    }
    if (performance.now() - began > 15_000) throw new Error("no full service 15 s after the restore");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const max = (answers: Answer[]) => Math.round(Math.max(...answers.map((a) => a.ms)));

describe.runIf(hasPostgres)("a database outage, through the HTTP front (PostgreSQL behind a TCP proxy)", () => {
  it.each(["cut", "blackhole"] as const)(
    "%s: REST answers the 500 envelope within 2 s and health 503 within 1 s; 5 s after the restore all is served",
    async (fault) => {
      const s = await start();
      // Warm: several pooled connections open, so a black hole has idle ones to silence.
      for (const a of await burst(s)) expect(a.status, a.kind).toBe(200);

      if (fault === "cut") await s.proxy.cut();
      else s.proxy.blackhole();
      const during = await traffic(s, 3000);
      const rest = during.filter((a) => a.kind !== "health");
      const health = during.filter((a) => a.kind === "health");
      for (const a of rest) {
        expect(a.status, a.kind).toBe(500);
        expect(a.body).toEqual({ code: 500, msg: "服务器错误", data: null });
        expect(a.ms, a.kind).toBeLessThan(REST_WITHIN);
      }
      for (const a of health) {
        expect(a.status).toBe(503);
        expect(a.body).toEqual({ status: "unavailable" });
        expect(a.ms).toBeLessThan(HEALTH_WITHIN);
      }

      await s.proxy.restore();
      const { firstHealthy, full } = await untilFullService(s);
      expect(full).toBeLessThan(RECOVERED_WITHIN);
      const closeMs = await stop(s);
      expect(closeMs).toBeLessThan(3000);
      console.info(
        `[outage ${fault}] during: ${rest.length} REST max ${max(rest)} ms, ${health.length} health max ${max(health)} ms; ` +
          `after restore: health 200 at ${Math.round(firstHealthy)} ms, full service at ${Math.round(full)} ms; close ${Math.round(closeMs)} ms`,
      );
    },
  );

  it.each(["cut", "blackhole"] as const)("%s: closing the app during the outage, with requests in flight, does not hang", async (fault) => {
    const s = await start();
    for (const a of await burst(s)) expect(a.status, a.kind).toBe(200);
    if (fault === "cut") await s.proxy.cut();
    else s.proxy.blackhole();
    const inFlight = Promise.allSettled([ask(s, "login"), ask(s, "reset"), ask(s, "health"), ask(s, "login"), ask(s, "reset")]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const closeMs = await stop(s);
    await inFlight;
    // Closing waits for callers to be answered, at the latest at their statement deadline (1.5 s).
    expect(closeMs).toBeLessThan(2500);
    console.info(`[outage ${fault}] close during the outage: ${Math.round(closeMs)} ms`);
  });
});
