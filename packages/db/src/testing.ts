import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { migrationsDir, openDatabase, type DatabaseHandle } from "./client";

/** One database engine the integration suites run against. */
export interface TestDatabaseTarget {
  name: "postgres" | "pglite";
  /** A fresh, migrated, empty database; `close()` drops it. */
  create(): Promise<DatabaseHandle & { url?: string }>;
}

const PG_URL = process.env.REKEY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgReachable: Promise<boolean> | undefined;
async function postgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const sql = postgres(PG_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch {
      return false;
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  })();
  return pgReachable;
}

let template: Promise<PGlite> | undefined;
/** Migrating costs seconds; cloning a migrated instance is far cheaper. */
async function pgliteTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const pg = await PGlite.create();
    await openDatabase({ pglite: pg, migrate: true, migrationsDir: migrationsDir() });
    return pg;
  })();
  return template;
}

const pgliteTarget: TestDatabaseTarget = {
  name: "pglite",
  async create() {
    const clone = (await (await pgliteTemplate()).clone()) as PGlite;
    return openDatabase({ pglite: clone });
  },
};

const postgresTarget: TestDatabaseTarget = {
  name: "postgres",
  async create() {
    const name = `rekey_t_${randomBytes(6).toString("hex")}`;
    const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ url: url.toString(), migrate: true, max: 20 });
    return {
      ...handle,
      url: url.toString(),
      close: async () => {
        await handle.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      },
    };
  },
};

/**
 * The engines to run integration suites against: always PGlite, and PostgreSQL when it answers.
 * Without PostgreSQL the suites say so loudly; with REKEY_REQUIRE_POSTGRES=1 (CI) that is an error instead.
 */
export async function testDatabases(): Promise<TestDatabaseTarget[]> {
  if (await postgresReachable()) return [postgresTarget, pgliteTarget];
  if (process.env.REKEY_REQUIRE_POSTGRES === "1") {
    throw new Error(`REKEY_REQUIRE_POSTGRES=1 but PostgreSQL does not answer at ${PG_URL}`);
  }
  console.warn(
    `\n*** PostgreSQL does not answer at ${PG_URL}: running against PGlite only. ` +
      "Start PostgreSQL (or set REKEY_TEST_PG_URL) to run the PostgreSQL half. ***\n",
  );
  return [pgliteTarget];
}
