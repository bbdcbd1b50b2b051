import { openDatabase, type DatabaseHandle } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, createRuntime, type Runtime } from "@rekey/runtime";
import { callerFor, type TestRuntime } from "./testing";
import { auditRows, createUser, nextIp, outboxRows, PASSWORD, runtimeFor, startRest, unique } from "./testing/flows";

const targets = await testDatabases();

/**
 * A second app instance on the database of `t`: its own connection pool for PostgreSQL; for PGlite (one
 * process per database) a second runtime over the same handle.
 */
async function secondInstance(t: TestRuntime): Promise<Runtime> {
  const first = t.runtime.database as DatabaseHandle & { url?: string };
  const database: DatabaseHandle =
    first.driver === "postgres" ? await openDatabase({ url: first.url!, max: 10 }) : { ...first, close: async () => {} };
  return createRuntime({ config: t.runtime.config, database, clock: t.clock, logger: createLogger("silent") });
}

describe.each(targets)("limits shared by two app instances on $name (default limits)", (target) => {
  let t: TestRuntime;
  let other: Runtime;
  beforeAll(async () => {
    t = await runtimeFor(target);
    other = await secondInstance(t);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it("counts reset requests, per-address requests and failed sign-ins across instances", async () => {
    expect(other.deps).not.toBe(t.runtime.deps);
    if (target.name === "postgres") expect(other.database.db).not.toBe(t.runtime.database.db);

    // Per IP (10): five requests on each instance use the budget up for both.
    const ip = nextIp();
    const ask = (runtime: Runtime, email: string) => callerFor(runtime, { ip }).auth.passwordReset.request({ email });
    for (let i = 0; i < 10; i++) await ask(i % 2 ? other : t.runtime, `shared${i}@example.com`);
    await expect(ask(other, "shared10@example.com")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    await expect(ask(t.runtime, "shared10@example.com")).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await auditRows(t.runtime, "rate_limit.hit", "reset_ip")).filter((row) => row.ip === ip)).toHaveLength(2);

    // Per address (3): two requests on one instance and two on the other queue three emails.
    const user = await createUser(t.runtime);
    for (const runtime of [t.runtime, other, t.runtime, other]) {
      await callerFor(runtime, { ip: nextIp() }).auth.passwordReset.request({ email: user.email });
    }
    expect(await outboxRows(t.runtime, "password_reset", user.email)).toHaveLength(3);

    // Failed sign-ins per account and IP (10): five on each instance use the budget up on both.
    const victim = await createUser(t.runtime);
    const attacker = nextIp();
    const signIn = (runtime: Runtime, password: string) =>
      callerFor(runtime, { transport: "rest", ip: attacker }).auth.signIn({ account: victim.email, password });
    for (let i = 0; i < 10; i++) await expect(signIn(i % 2 ? other : t.runtime, "Wrong-Guess-1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    for (const runtime of [t.runtime, other]) await expect(signIn(runtime, PASSWORD)).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("never loses a count when both instances are hit at once", async () => {
    const ip = nextIp();
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        callerFor(i % 2 ? other : t.runtime, { ip }).auth.passwordReset.request({ email: `burst${i}@example.com` }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const queued = (await outboxRows(t.runtime, "password_reset")).filter((row) => row.recipient.startsWith("burst"));
    expect(queued).toHaveLength(10);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    }
  });
});

describe.each(targets)("the client IP over real HTTP on $name", (target) => {
  it("TRUST_PROXY=0: a client's own X-Forwarded-For does not dodge the per-IP limit", async () => {
    const t = await runtimeFor(target, { RATE_LIMITS: "reset_ip=3/15m" });
    const rest = await startRest(t.runtime);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await rest.post(
          "requestPasswordReset",
          { email: `${unique("spoof")}@example.com` },
          { "x-forwarded-for": `203.0.113.${i + 1}`, "x-real-ip": `203.0.113.${i + 1}` },
        );
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const hits = await auditRows(t.runtime, "rate_limit.hit", "reset_ip");
      expect(hits.map((row) => row.ip)).toEqual(["127.0.0.1"]); // one per window: the second refusal is from memory
      const queued = await outboxRows(t.runtime, "password_reset");
      expect(queued.map((row) => row.payload.ip)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    } finally {
      await rest.close();
      await t.close();
    }
  });

  it("TRUST_PROXY=1: the limit follows the address our proxy appended, whatever the client wrote before it", async () => {
    const t = await runtimeFor(target, { RATE_LIMITS: "reset_ip=3/15m", TRUST_PROXY: "1" });
    const rest = await startRest(t.runtime);
    try {
      const send = (forwardedFor: string) =>
        rest.post("requestPasswordReset", { email: `${unique("proxied")}@example.com` }, { "x-forwarded-for": forwardedFor });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await send(`10.9.9.${i}, 203.0.113.50`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another client behind the same proxy has its own budget.
      expect((await send("203.0.113.51")).status).toBe(200);
      expect((await auditRows(t.runtime, "rate_limit.hit", "reset_ip")).map((row) => row.ip)).toEqual(["203.0.113.50"]);
    } finally {
      await rest.close();
      await t.close();
    }
  });
});
