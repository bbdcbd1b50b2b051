import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { acquireDirLock } from "./dir-lock";
import * as schema from "./schema";

export type Schema = typeof schema;
/** A Drizzle database over either driver; services take this (or a transaction) and never know which. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** Closes connections (and, for PGlite, flushes to disk and releases the directory lock). */
  close(): Promise<void>;
}

/**
 * The generated SQL migrations beside this package's sources. `REKEY_MIGRATIONS_DIR` overrides it where
 * bundling moves this file (the web server sets it).
 */
export function migrationsDir(): string {
  return process.env.REKEY_MIGRATIONS_DIR ?? join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");
}
/** Any constant works; it only has to be the same for every instance of this app. */
const MIGRATION_LOCK_KEY = 7_318_452_019;

export interface OpenOptions {
  /** postgres:// URL; without it, PGlite under `dataDir`. */
  url?: string;
  /** Embedded data directory (PGlite files and lock live in `<dataDir>/pglite`). */
  dataDir?: string;
  /** An already created PGlite instance (tests clone one migrated template). */
  pglite?: PGlite;
  migrate?: boolean;
  migrationsDir?: string;
  /** Pool size for postgres.js. */
  max?: number;
}

/** Opens the database, applying pending migrations first when `migrate` is set. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsDir ?? migrationsDir();
  if (options.url) {
    if (options.migrate) await migrateWithLock(options.url, migrationsFolder);
    const client = postgres(options.url, { max: options.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres({ client, schema, casing: "snake_case" }) as unknown as Database;
    return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
  }

  let release = () => {};
  let client = options.pglite;
  if (!client) {
    const dir = resolve(join(options.dataDir ?? ".data", "pglite"));
    mkdirSync(dir, { recursive: true });
    // PGlite has no cross-process locking: a second process on the same files silently loses writes.
    release = acquireDirLock(dir);
    try {
      client = await PGlite.create(dir);
    } catch (error) {
      release();
      throw error;
    }
  }
  const db = drizzlePglite({ client, schema, casing: "snake_case" }) as unknown as Database;
  if (options.migrate) await migratePglite(db as never, { migrationsFolder });
  const pglite = client;
  return {
    db,
    driver: "pglite",
    close: async () => {
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}

/**
 * drizzle's migrator takes no lock; two instances starting together would both try to apply the same
 * migration. A session-level advisory lock on a dedicated connection serialises them.
 */
async function migrateWithLock(url: string, migrationsFolder: string): Promise<void> {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres({ client, casing: "snake_case" }), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
