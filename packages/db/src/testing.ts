import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { migrationsDir, openDatabase, type DatabaseHandle, type OpenOptions } from "./client";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy";

export { startTcpProxy, type ProxyUpstream, type TcpProxy } from "./tcp-proxy";

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

/**
 * A fresh migrated PostgreSQL database; the app's handle is opened with `open(url)` (directly by default),
 * while creating, migrating and dropping always go straight to the server.
 */
async function createPostgresDatabase(open: (url: string) => Promise<DatabaseHandle>): Promise<DatabaseHandle & { url: string }> {
  const name = `rekey_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  await (await openDatabase({ url: url.toString(), migrate: true, max: 1 })).close();
  const handle = await open(url.toString());
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

const postgresTarget: TestDatabaseTarget = {
  name: "postgres",
  create: () => createPostgresDatabase((url) => openDatabase({ url, max: 20 })),
};

/** A TCP proxy in front of the test PostgreSQL server (REKEY_TEST_PG_URL), for outage tests. */
export function startPostgresProxy(): Promise<TcpProxy> {
  const url = new URL(PG_URL);
  return startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
}

/**
 * The PostgreSQL target with the app's connections going through `proxy`, opened with `options` (the
 * production defaults unless given). PGlite runs inside the process: it has no connection to cut.
 */
export function postgresThroughProxy(proxy: TcpProxy, options: Omit<OpenOptions, "url" | "pglite" | "dataDir"> = {}): TestDatabaseTarget {
  return {
    name: "postgres",
    create: () => createPostgresDatabase((url) => openDatabase({ ...options, url: proxy.url(url) })),
  };
}

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
