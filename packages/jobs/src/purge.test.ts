import { emailOutbox, rateLimits } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { purgeExpired } from "./purge";
import { createHarness, openTestDatabase, type TestDatabase } from "./testing";

const targets = await testDatabases();

describe.each(targets)("purging old rows on $name", (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database?.close());

  it("deletes everything past its retention in bounded statements, and nothing that is still needed", async () => {
    const h = createHarness(database.handle);
    const now = h.clock();
    const past = new Date(now.getTime() - 60_000);
    const future = new Date(now.getTime() + 60_000);
    // More expired counters than one statement deletes, so the batches must add up.
    const expired = Array.from({ length: 1_234 }, (_, i) => ({ key: `reset_ip:198.18.${i >> 8}.${i & 255}`, count: 3, windowEndsAt: past }));
    for (let i = 0; i < expired.length; i += 400) await h.db.insert(rateLimits).values(expired.slice(i, i + 400));
    await h.db.insert(rateLimits).values({ key: "reset_ip:203.0.113.1", count: 1, windowEndsAt: future });

    const old = new Date(now.getTime() - 31 * 86_400_000);
    const row = (status: "sent" | "pending" | "expired", createdAt: Date) => ({
      kind: "password_reset" as const,
      recipient: `${status}@example.com`,
      status,
      createdAt,
      updatedAt: createdAt,
      nextAttemptAt: createdAt,
      expiresAt: new Date(createdAt.getTime() + 600_000),
    });
    await h.db.insert(emailOutbox).values([row("sent", old), row("expired", old), row("pending", old), row("sent", now)]);

    const counts = await purgeExpired(h.deps);
    expect(counts).toMatchObject({ rateLimits: 1_234, outbox: 2 });
    expect((await h.db.select().from(rateLimits)).map((r) => r.key)).toEqual(["reset_ip:203.0.113.1"]);
    // A pending row is never purged, however old: it is still owed a delivery decision.
    const left = (await h.db.select().from(emailOutbox)).map((r) => `${r.status}@${r.createdAt.getTime() === old.getTime() ? "old" : "now"}`);
    expect(left.sort()).toEqual(["pending@old", "sent@now"]);
    await h.close();
  });
});
