import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DatabaseTimeoutError, DataDirInUseError, eq, openDatabase, queryRows, sql, users, type DatabaseHandle } from "./index";
import type { OpenOptions } from "./client";
import { postgresThroughProxy, startPostgresProxy, testDatabases, type TcpProxy } from "./testing";

const targets = await testDatabases();
const postgres = targets.find((t) => t.name === "postgres");

describe("embedded PGlite", () => {
  it("keeps data across a restart of the process's database", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const first = await openDatabase({ dataDir, migrate: true });
    await first.db.insert(users).values({ email: "a@example.com", username: "a", passwordHash: "x" });
    await first.close();
    const second = await openDatabase({ dataDir, migrate: true });
    expect(await second.db.select().from(users)).toHaveLength(1);
    await second.close();
  });

  it("refuses a second process on the same data directory with a clear error", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const holder = await openDatabase({ dataDir, migrate: true });
    try {
      // Another process tries the same directory.
      const script = `import("./src/client.ts").then(m => m.openDatabase({ dataDir: ${JSON.stringify(dataDir)} }))
        .then(() => process.exit(0), (e) => { console.error(e.name + ": " + e.message); process.exit(3); })`;
      const child = spawn(process.execPath, ["--import", "tsx", "-e", script], {
        cwd: join(import.meta.dirname, ".."),
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(3);
      expect(stderr).toContain("DataDirInUseError");
      expect(stderr).toContain(`in use by process ${process.pid}`);
    } finally {
      await holder.close();
    }
  });

  it("recovers from a start killed while it created the directory (initdb half done)", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const script = `import("./src/client.ts").then(m => m.openDatabase({ dataDir: ${JSON.stringify(dataDir)} }))`;
    const start = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: join(import.meta.dirname, ".."), stdio: "ignore" });
    // initdb writes PG_VERSION early: a directory in this state must never be taken for a database.
    const staging = () => readdirSync(dataDir).find((name) => name.startsWith("pglite.init-"));
    while (!(staging() && existsSync(join(dataDir, staging()!, "PG_VERSION")))) await new Promise((r) => setTimeout(r, 20));
    // The start and its initdb child die together (SIGKILL to both), as when the machine loses power.
    const children = readFileSync(`/proc/${start.pid}/task/${start.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    for (const pid of [start.pid!, ...children.map(Number)]) process.kill(pid, "SIGKILL");
    await new Promise((resolve) => start.on("exit", resolve));
    expect(existsSync(join(dataDir, "pglite", "PG_VERSION"))).toBe(false);

    const next = await openDatabase({ dataDir, migrate: true });
    await next.db.insert(users).values({ email: "a@example.com", username: "a", passwordHash: "x" });
    expect(await next.db.select().from(users)).toHaveLength(1);
    await next.close();
    expect(readdirSync(dataDir)).toEqual(["pglite"]);
  });

  it("clears files of an interrupted move and stale staging directories, and keeps a complete directory", { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    mkdirSync(join(dataDir, "pglite", "base"), { recursive: true });
    writeFileSync(join(dataDir, "pglite", "base", "half-moved"), "x");
    mkdirSync(join(dataDir, "pglite.init-stale"));
    writeFileSync(join(dataDir, "pglite.init-stale", "PG_VERSION"), "18\n");
    const first = await openDatabase({ dataDir, migrate: true });
    await first.db.insert(users).values({ email: "a@example.com", username: "a", passwordHash: "x" });
    await first.close();
    expect(readdirSync(dataDir)).toEqual(["pglite"]);
    expect(existsSync(join(dataDir, "pglite", "base", "half-moved"))).toBe(false);
    const second = await openDatabase({ dataDir });
    expect(await second.db.select().from(users)).toHaveLength(1);
    await second.close();
  });

  it("refuses a second open in the same process too", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-db-"));
    const holder = await openDatabase({ dataDir });
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DataDirInUseError);
    await holder.close();
    const again = await openDatabase({ dataDir });
    await again.close();
  });
});

describe.runIf(postgres)("PostgreSQL through the statement deadlines", () => {
  it("commits, rolls back and nests transactions (savepoints) as before", async () => {
    const handle = await postgres!.create();
    try {
      const add = (name: string) => ({ email: `${name}@example.com`, username: name, passwordHash: "x" });
      await handle.db.transaction(async (tx) => {
        await tx.insert(users).values(add("kept"));
        await tx.transaction(async (inner) => inner.insert(users).values(add("nested"))).catch(() => {});
        await expect(
          tx.transaction(async (inner) => {
            await inner.insert(users).values(add("undone"));
            throw new Error("roll back the savepoint");
          }),
        ).rejects.toThrow("roll back the savepoint");
      });
      await expect(
        handle.db.transaction(async (tx) => {
          await tx.insert(users).values(add("rolled"));
          throw new Error("roll back");
        }),
      ).rejects.toThrow("roll back");
      const names = (await handle.db.select({ username: users.username }).from(users)).map((u) => u.username).sort();
      expect(names).toEqual(["kept", "nested"]);
    } finally {
      await handle.close();
    }
  });

  it("waits for the disk at commit unless opened with asyncCommit (the delivery thread)", async () => {
    const handle = await postgres!.create();
    const background = await openDatabase({ url: handle.url!, migrate: false, asyncCommit: true });
    try {
      const setting = async (db: DatabaseHandle["db"]) =>
        (await queryRows<{ synchronous_commit: string }>(db, sql`show synchronous_commit`))[0]!.synchronous_commit;
      expect(await setting(handle.db)).toBe("on");
      expect(await setting(background.db)).toBe("off");
    } finally {
      await background.close();
      await handle.close();
    }
  });
});

describe.runIf(postgres)("PostgreSQL migrations", () => {
  it("two instances starting together on an empty database both come up (advisory lock)", async () => {
    const blank = await postgres!.create();
    const url = blank.url!;
    // Drop what create() migrated, so both instances race on an empty database.
    await blank.db.execute("drop schema public cascade; create schema public; drop schema if exists drizzle cascade" as never);
    const [a, b] = await Promise.all([openDatabase({ url, migrate: true }), openDatabase({ url, migrate: true })]);
    await a.db.insert(users).values({ email: "race@example.com", username: "race", passwordHash: "x" });
    expect(await b.db.select().from(users)).toHaveLength(1);
    await Promise.all([a.close(), b.close()]);
    await blank.close();
  });
});

/** drizzle wraps the driver's errors (DrizzleQueryError); the driver's own is the cause. */
function driverError(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? error.cause : error;
}

/** How long `promise` took to settle, and how. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; error?: unknown }> {
  const start = performance.now();
  try {
    await promise;
    return { ms: performance.now() - start };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/** Polls `select 1` until `count` in a row succeed; returns the ms from the call to the last of them. */
async function untilServed(handle: DatabaseHandle, count = 10, limitMs = 10_000): Promise<number> {
  const start = performance.now();
  let streak = 0;
  while (streak < count) {
    if (performance.now() - start > limitMs) throw new Error(`not served within ${limitMs} ms`);
    const { error } = await timed(handle.db.execute(sql`select 1`));
    streak = error ? 0 : streak + 1;
    if (error) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - start;
}

// PGlite runs inside the process: there is no connection to lose, so these cases are PostgreSQL's only.
describe.runIf(postgres)("PostgreSQL faults, through a TCP proxy", () => {
  let proxy: TcpProxy;
  const open: DatabaseHandle[] = [];
  const through = async (options: Omit<OpenOptions, "url">) => {
    const handle = await postgresThroughProxy(proxy, options).create();
    open.push(handle);
    return handle;
  };
  beforeEach(async () => {
    proxy = await startPostgresProxy();
  });
  afterEach(async () => {
    await proxy.close();
    await Promise.all(open.splice(0).map((handle) => handle.close()));
  });

  it("cut: statements fail within the deadline, and are served again within a second of the restore", async () => {
    const handle = await through({ max: 2 });
    await untilServed(handle, 2);
    await proxy.cut();
    const failures = await Promise.all(Array.from({ length: 10 }, () => timed(handle.db.execute(sql`select 1`))));
    for (const { ms, error } of failures) {
      expect(error).toBeDefined();
      expect(ms).toBeLessThan(1500 + 300);
    }
    await proxy.restore();
    expect(await untilServed(handle)).toBeLessThan(1000);
  });

  it("black hole: statements fail at the deadline, silent connections are dropped, service is back within 5 s", async () => {
    const handle = await through({ max: 2, queryTimeoutMs: 1000 });
    // Both pooled connections open and idle: both go silent with the partition.
    await Promise.all([handle.db.execute(sql`select pg_sleep(0.05)`), handle.db.execute(sql`select pg_sleep(0.05)`)]);
    proxy.blackhole();
    const failures = await Promise.all(Array.from({ length: 6 }, () => timed(handle.db.execute(sql`select 1`))));
    for (const { ms, error } of failures) {
      expect(driverError(error)).toBeInstanceOf(DatabaseTimeoutError);
      expect(ms).toBeLessThan(1000 + 300);
    }
    await proxy.restore();
    expect(await untilServed(handle)).toBeLessThan(5000);
    // The silent connections were given up by the client (the proxy would have kept them forever).
    expect(proxy.connections).toBeLessThanOrEqual(2);
  });

  it("a connection still opening at the deadline: the caller times out, the pool does not lose the connection", async () => {
    const handle = await through({ max: 1, queryTimeoutMs: 500, connectTimeoutMs: 5000 });
    proxy.stall();
    const late = await timed(handle.db.execute(sql`select 1`));
    expect(driverError(late.error)).toBeInstanceOf(DatabaseTimeoutError);
    expect(late.ms).toBeLessThan(500 + 300);
    await proxy.restore();
    // Cancelling that query in postgres.js would have left its only connection stuck "connecting" for good.
    expect(await untilServed(handle, 3, 3000)).toBeLessThan(3000);
  });

  it("a transaction whose connection goes silent answers at the deadline, and its locks go soon after", async () => {
    const handle = await through({ queryTimeoutMs: 800, idleInTransactionTimeoutMs: 1000 });
    const [user] = await handle.db.insert(users).values({ email: "lock@example.com", username: "lock", passwordHash: "x" }).returning();
    const stuck = timed(
      handle.db.transaction(async (tx) => {
        await tx.select().from(users).where(eq(users.id, user!.id)).for("update");
        proxy.blackhole();
        await tx.update(users).set({ username: "never" }).where(eq(users.id, user!.id));
      }),
    );
    const { ms, error } = await stuck;
    expect(driverError(error)).toBeInstanceOf(DatabaseTimeoutError);
    expect(ms).toBeLessThan(800 + 300);
    // Straight to the server: the row lock of the vanished client is released by the server's own timeout.
    const direct = await openDatabase({ url: (handle as DatabaseHandle & { url: string }).url, queryTimeoutMs: 5000 });
    try {
      const update = await timed(direct.db.update(users).set({ username: "later" }).where(eq(users.id, user!.id)));
      expect(update.error).toBeUndefined();
      expect(update.ms).toBeLessThan(3000);
      const [row] = await direct.db.select().from(users).where(eq(users.id, user!.id));
      expect(row!.username).toBe("later");
    } finally {
      await direct.close();
    }
  });
});
