import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { emailOutbox, openDatabase, sql, type DatabaseHandle } from "./index";
import { migrationsDir } from "./client";
import { testDatabases } from "./testing";

const PG_URL = process.env.REKEY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const targets = await testDatabases();

/** A copy of the migrations folder that stops after `last` (the state an older release left behind). */
function migrationsUpTo(last: string): string {
  const dir = mkdtempSync(join(tmpdir(), "rekey-migrations-"));
  cpSync(migrationsDir(), dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((entry) => entry.tag === last);
  journal.entries = journal.entries.slice(0, index + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Opens a fresh, empty database of `name` twice over (old migrations, then all), sharing its storage. */
async function freshDatabase(name: string): Promise<(folder: string) => Promise<DatabaseHandle>> {
  if (name === "pglite") {
    const pg = await PGlite.create();
    cleanups.push(() => pg.close());
    return (folder) => openDatabase({ pglite: pg, migrate: true, migrationsDir: folder });
  }
  const dbName = `rekey_m_${randomBytes(6).toString("hex")}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists ${dbName} with (force)`);
    await admin.end({ timeout: 5 });
  });
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  return async (folder) => {
    const handle = await openDatabase({ url: url.toString(), migrate: true, migrationsDir: folder, max: 2 });
    cleanups.push(() => handle.close());
    return handle;
  };
}

describe.each(targets)("migration 0001_outbox_deadlines on $name", (target) => {
  it("gives rows written before it a delivery deadline: the minted link's expiry, else 10 minutes, or a day for notices", async () => {
    const open = await freshDatabase(target.name);
    const old = await open(migrationsUpTo("0000_init"));
    const created = "2026-01-15T08:00:00.000Z";
    const seed = [
      `insert into users (id, email, username, password_hash) values ('00000000-0000-4000-8000-000000000001', 'a@example.com', 'a', 'x')`,
      `insert into email_outbox (id, kind, recipient, status, created_at) values
        ('00000000-0000-4000-8000-0000000000a1', 'password_reset', 'a@example.com', 'pending', '${created}'),
        ('00000000-0000-4000-8000-0000000000a2', 'password_reset', 'a@example.com', 'sent', '${created}'),
        ('00000000-0000-4000-8000-0000000000a3', 'password_changed', 'a@example.com', 'pending', '${created}')`,
      `insert into password_reset_tokens (user_id, token_hash, outbox_id, requested_at, expires_at)
        values ('00000000-0000-4000-8000-000000000001', 'h', '00000000-0000-4000-8000-0000000000a2', '${created}', '2026-01-15T08:30:00.000Z')`,
    ];
    // One statement per call: PGlite prepares each query, and a prepared statement holds one command.
    for (const statement of seed) await old.db.execute(sql.raw(statement));

    const current = await open(migrationsDir());
    const rows = await current.db.select({ id: emailOutbox.id, expiresAt: emailOutbox.expiresAt, lockedBy: emailOutbox.lockedBy }).from(emailOutbox);
    const byId = new Map(rows.map((row) => [row.id.slice(-2), row]));
    expect(byId.get("a1")?.expiresAt.toISOString()).toBe("2026-01-15T08:10:00.000Z");
    expect(byId.get("a2")?.expiresAt.toISOString()).toBe("2026-01-15T08:30:00.000Z");
    expect(byId.get("a3")?.expiresAt.toISOString()).toBe("2026-01-16T08:00:00.000Z");
    expect(rows.every((row) => row.lockedBy === null)).toBe(true);

    // The new status is usable, and the column takes no default: a writer must state the deadline.
    await current.db
      .update(emailOutbox)
      .set({ status: "expired" })
      .where(sql`${emailOutbox.id} = '00000000-0000-4000-8000-0000000000a1'`);
    await expect(
      current.db.execute(sql.raw(`insert into email_outbox (kind, recipient) values ('password_reset', 'b@example.com')`)),
    ).rejects.toThrow();
  });
});
