import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, openDatabase, queryRows, reusableStatement, sql, users, type DatabaseHandle } from "./index";
import { testDatabases } from "./testing";

const targets = await testDatabases();

const insertUser = reusableStatement((db) =>
  db
    .insert(users)
    .values({ email: sql.placeholder("email"), username: sql.placeholder("username"), passwordHash: "x", createdAt: sql.placeholder("at") })
    .returning({ email: users.email, createdAt: users.createdAt }),
);
const countSince = reusableStatement((db) =>
  db
    .select({ n: sql<number>`count(*)::int`.as("n") })
    .from(users)
    .where(sql`${users.createdAt} >= ${sql.placeholder("since")}::timestamptz`),
);

describe.each(targets)("reusableStatement on $name", (target) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await target.create();
  });
  afterAll(() => handle.close());

  it("runs one rendered statement with each call's values, encoded by their columns", async () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const [first] = await insertUser(handle.db, { email: "one@example.com", username: "one", at });
    const [second] = await insertUser(handle.db, { email: "two@example.com", username: "two", at: new Date(at.getTime() + 1000) });
    expect(first).toMatchObject({ email: "one@example.com" });
    expect(second).toMatchObject({ email: "two@example.com" });
    expect(new Date(String(second!.created_at)).toISOString()).toBe("2026-01-02T03:04:06.678Z");
    const stored = await handle.db.select().from(users).where(eq(users.username, "one"));
    expect(stored[0]!.createdAt.toISOString()).toBe(at.toISOString());
    expect(await countSince(handle.db, { since: "2026-01-02T03:04:06Z" })).toEqual([{ n: 1 }]);
  });

  it("runs inside the transaction it is given, and rolls back with it", async () => {
    await expect(
      handle.db.transaction(async (tx) => {
        await insertUser(tx, { email: "gone@example.com", username: "gone", at: new Date() });
        expect(await tx.select().from(users).where(eq(users.username, "gone"))).toHaveLength(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await handle.db.select().from(users).where(eq(users.username, "gone"))).toHaveLength(0);
  });

  it.runIf(target.name === "postgres")("has PostgreSQL parse and plan each statement once per connection, not per call", async () => {
    const prepared = await handle.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await countSince(tx, { since: "2026-01-01T00:00:00Z" });
      await tx.select().from(users).where(eq(users.username, "one"));
      return queryRows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`);
    });
    expect(prepared.filter((row) => row.statement.includes(`count(*)::int`))).toHaveLength(1);
    expect(prepared.filter((row) => row.statement.includes(`"username" = $1`))).toHaveLength(1);
  });

  it.runIf(target.name === "postgres")("prepares nothing when DATABASE_URL says ?prepare=false (for a pooler that cannot keep them)", async () => {
    const url = new URL((handle as DatabaseHandle & { url: string }).url);
    url.searchParams.set("prepare", "false");
    const unprepared = await openDatabase({ url: url.href, migrate: false });
    try {
      const prepared = await unprepared.db.transaction(async (tx) => {
        expect(await countSince(tx, { since: "2026-01-01T00:00:00Z" })).toEqual([{ n: 2 }]);
        return queryRows<{ statement: string }>(tx, sql`select statement from pg_prepared_statements`);
      });
      expect(prepared).toEqual([]);
    } finally {
      await unprepared.close();
    }
  });
});
