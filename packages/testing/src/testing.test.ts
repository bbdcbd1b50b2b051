import { createServer } from "node:net";
import { users } from "@rekey/db";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  authDepsFor,
  capturingLogger,
  deferred,
  fakeClock,
  freePort,
  openTestDatabase,
  TEST_APP_URL,
  testDatabases,
  wallClock,
  type TestDatabase,
} from "./index";

const targets = await testDatabases();

describe("fakeClock", () => {
  it("stands still until moved, then moves by exactly what it was told", () => {
    const clock = fakeClock(new Date("2026-03-01T00:00:00Z"));
    expect(clock().toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(clock().toISOString()).toBe("2026-03-01T00:00:00.000Z");
    clock.advance(90.5);
    expect(clock().toISOString()).toBe("2026-03-01T00:01:30.500Z");
  });

  it("advanceTo moves forward to an instant and never back", () => {
    const clock = fakeClock(new Date("2026-03-01T00:00:00Z"));
    clock.advanceTo(new Date("2026-03-01T00:10:00Z"));
    clock.advanceTo(new Date("2026-03-01T00:05:00Z"));
    expect(clock().toISOString()).toBe("2026-03-01T00:10:00.000Z");
  });

  it("wallClock follows real time and refuses to be moved by hand", () => {
    const clock = wallClock();
    expect(Math.abs(clock().getTime() - Date.now())).toBeLessThan(1_000);
    expect(() => clock.advance(1)).toThrow(/wall clock/);
  });
});

describe("deferred", () => {
  it("settles when the test says so, with the value or the error given", async () => {
    const value = deferred<number>();
    let settled = false;
    void value.promise.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    value.resolve(7);
    await expect(value.promise).resolves.toBe(7);

    const failure = deferred();
    failure.reject(new Error("stop"));
    await expect(failure.promise).rejects.toThrow("stop");
  });
});

describe("freePort", () => {
  it("returns a port a server can listen on at once", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    expect((server.address() as { port: number }).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe("authDepsFor", () => {
  it("configures from the test's env over safe defaults, never from the process environment", () => {
    vi.stubEnv("APP_URL", "https://from-the-process.example");
    try {
      const deps = authDepsFor({ db: {} as never }, { env: { PASSWORD_RESET_TTL_SECONDS: "120" } });
      expect(deps.config.appUrl).toBe(TEST_APP_URL);
      expect(deps.config.resetTtlSeconds).toBe(120);
      expect(deps.config.rateLimits.enabled).toBe(false);
      expect(deps.config.authSecret).toBe(deps.secret);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("stops on a bad setting the way start-up does, naming it", () => {
    expect(() => authDepsFor({ db: {} as never }, { env: { PASSWORD_RESET_TTL_SECONDS: "5" } })).toThrow(/PASSWORD_RESET_TTL_SECONDS/);
  });

  it("hands the services a logger whose lines a test can read, errors included", () => {
    const logger = capturingLogger();
    const deps = authDepsFor({ db: {} as never }, { logger });
    deps.logger.warn({ err: new Error("provider down") }, "send failed");
    expect(logger.entries).toEqual([{ level: "warn", fields: { err: expect.any(Error) }, message: "send failed" }]);
    expect(logger.lines()[0]).toContain("provider down");
  });
});

describe.each(targets)("openTestDatabase on $name", (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("is migrated and empty, and reset() empties it again", async () => {
    expect(database.name).toBe(target.name);
    expect(await database.handle.db.select().from(users)).toEqual([]);
    const now = new Date();
    await database.handle.db
      .insert(users)
      .values({ email: "a@example.com", username: "a", passwordHash: "x", passwordChangedAt: now, createdAt: now, updatedAt: now });
    expect(await database.handle.db.select().from(users)).toHaveLength(1);
    await database.reset();
    expect(await database.handle.db.select().from(users)).toEqual([]);
  });
});
