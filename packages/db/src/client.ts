import { Socket } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { DatabaseTimeoutError, withDeadlines } from "./deadlines";
import { openPgliteDir } from "./pglite";
import * as schema from "./schema";

type Schema = typeof schema;
/** A Drizzle database over either driver; services take this (or a transaction) and never know which. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Database | Transaction;

export interface DatabaseHandle {
  db: Database;
  driver: "postgres" | "pglite";
  /** Closes connections (and, for PGlite, flushes to disk and releases the directory lock). */
  close(): Promise<void>;
}

/**
 * The generated SQL migrations beside this package's sources. Where bundling moves this file, the caller
 * passes `migrationsDir` (the app's configuration has it).
 */
export function migrationsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");
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
  /** The script that creates a new PGlite directory in a child process (`pglite-init.mjs`, beside pglite.ts by default). */
  pgliteInitScript?: string;
  /** Pool size for postgres.js. */
  max?: number;
  /** postgres.js: longest wait for a new connection to be ready (TCP, TLS, authentication), in ms. */
  connectTimeoutMs?: number;
  /**
   * postgres.js: a statement, or the start of a transaction, answers within this many ms of the call
   * (waiting for a pooled connection included) or fails with DatabaseTimeoutError. Also the server's
   * `statement_timeout`, so that a healthy server always answers within it.
   */
  queryTimeoutMs?: number;
  /** postgres.js: the server's `idle_in_transaction_session_timeout` (locks of a client that vanished). */
  idleInTransactionTimeoutMs?: number;
  /** postgres.js: the longest pause between attempts to reconnect after a failed one. */
  reconnectDelayMaxMs?: number;
  /**
   * postgres.js: commits return before their WAL is on disk (`synchronous_commit = off`); a database crash
   * may lose the last fraction of a second of them. Only for work that is redone when lost (the delivery
   * thread's); any durable commit after them makes them durable too.
   */
  asyncCommit?: boolean;
}

/**
 * Fault handling for postgres.js, chosen so that an outage is answered at once and recovery is quick
 * (CONTRACT §5, issue 9 item 4): requests fail within `queryTimeoutMs` (the REST 500 within 2 s), health
 * has its own shorter deadline, and a restored database is used again within about `connectTimeoutMs +
 * reconnectDelayMaxMs`; connections that went silent are dropped `queryTimeoutMs` + 1 s after their last
 * write. App statements must therefore be short: long maintenance work has to go in batches.
 */
const POSTGRES_DEFAULTS = {
  max: 10,
  connectTimeoutMs: 2000,
  queryTimeoutMs: 1500,
  idleInTransactionTimeoutMs: 5000,
  reconnectDelayMaxMs: 500,
} as const;

/** Extra time a connection gets, past `statement_timeout`, to say anything before it is presumed dead. */
const ANSWER_GRACE_MS = 1000;

/** Opens the database, applying pending migrations first when `migrate` is set. */
export async function openDatabase(options: OpenOptions): Promise<DatabaseHandle> {
  const migrationsFolder = options.migrationsDir ?? migrationsDir();
  if (options.url) {
    const settings: PostgresSettings = { ...POSTGRES_DEFAULTS, ...definedOnly(options) };
    if (options.migrate) await migrateWithLock(options.url, migrationsFolder, settings.connectTimeoutMs);
    const client = postgres(options.url, postgresOptions(settings, options.asyncCommit ?? false));
    const bounded = withDeadlines(client, { ms: settings.queryTimeoutMs, max: settings.max });
    const db = drizzlePostgres({ client: bounded.sql, schema, casing: "snake_case" }) as unknown as Database;
    const close = async () => {
      // Work in flight may finish, or meet its deadline; then every connection goes at once. Not
      // `end({ timeout })` alone: in 3.4.9 a connection that died mid-query (as in an outage) and was not
      // used since holds `end()` until that timeout, although it has nothing left to finish.
      await bounded.drained(settings.queryTimeoutMs + ANSWER_GRACE_MS);
      await client.end({ timeout: 0 });
    };
    return { db, driver: "postgres", close };
  }

  let release = () => {};
  let client = options.pglite;
  if (!client) ({ client, release } = await openPgliteDir(options.dataDir ?? ".data", options.pgliteInitScript));
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
async function migrateWithLock(url: string, migrationsFolder: string, connectTimeoutMs: number): Promise<void> {
  // No statement deadline here: a migration may build an index, and waits for another instance's lock.
  const client = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: connectTimeoutMs / 1000 });
  try {
    await firstAnswer(client, url, connectTimeoutMs);
  } catch (error) {
    await client.end({ timeout: 0 });
    throw error;
  }
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

/**
 * Start-up asks once, with a deadline, before anything may wait longer: postgres.js's `connect_timeout`
 * covers the TCP connect only, and a host that accepts the connection but never speaks PostgreSQL (a
 * firewall or proxy in between) would hold start-up for ever. The message names the host, never the
 * credentials.
 */
async function firstAnswer(client: postgres.Sql, url: string, connectTimeoutMs: number): Promise<void> {
  const ms = connectTimeoutMs * 2 + 1000;
  const silent = () => new DatabaseUnreachableError(`PostgreSQL at ${hostOf(url)} did not answer within ${ms / 1000} s`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(silent()), ms);
  });
  try {
    await Promise.race([client`select 1`.execute(), deadline]);
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) throw error;
    if ((error as { code?: unknown }).code === "CONNECT_TIMEOUT") throw silent();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnreachableError(`PostgreSQL at ${hostOf(url)} refused the connection: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "DATABASE_URL";
  }
}

/** The database could not be reached at start-up. */
export class DatabaseUnreachableError extends Error {
  override name = "DatabaseUnreachableError";
  constructor(message: string) {
    super(`DATABASE_URL: ${message}`);
  }
}

type PostgresSettings = { -readonly [K in keyof typeof POSTGRES_DEFAULTS]: number };

/** `{ a: undefined }` must not hide a default when spread over it. */
function definedOnly(options: OpenOptions): Partial<Record<keyof typeof POSTGRES_DEFAULTS, number>> {
  const keys = Object.keys(POSTGRES_DEFAULTS) as (keyof typeof POSTGRES_DEFAULTS)[];
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]));
}

/**
 * postgres.js's options from ours. Every value is explicit, so none falls back to `PG*` environment variables.
 * - `connect_timeout`: the driver waits 30 s by default for a connection that a black hole never completes.
 * - `backoff`: by default the pause between reconnects grows to 20 s (3^n/100 s, reset only by a success),
 *   and every query queued meanwhile waits it out; capped here, jittered so instances do not reconnect in step.
 *   Attempts happen only when a query needs a connection, so an outage costs the server nothing.
 * - `statement_timeout` (server): a healthy server answers every statement within the client's deadline,
 *   which lets a silent connection be told from a slow statement (see `answerWatchdog`).
 * - `idle_in_transaction_session_timeout` (server): a client cut off mid-transaction stops holding row
 *   locks (`for update` on a user) soon after, instead of when the server's TCP keepalive notices.
 */
function postgresOptions(settings: PostgresSettings, asyncCommit: boolean): postgres.Options<Record<string, postgres.PostgresType>> {
  const capSeconds = settings.reconnectDelayMaxMs / 1000;
  const options = {
    max: settings.max,
    onnotice: () => {},
    connect_timeout: settings.connectTimeoutMs / 1000,
    backoff: (attempt: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempt, capSeconds),
    connection: {
      statement_timeout: settings.queryTimeoutMs,
      idle_in_transaction_session_timeout: settings.idleInTransactionTimeoutMs,
      ...(asyncCommit ? { synchronous_commit: "off" } : {}),
    },
    // Documented in the README, missing from the 3.4.9 types.
    socket: answerWatchdog(settings.queryTimeoutMs + ANSWER_GRACE_MS),
  };
  return options as postgres.Options<Record<string, postgres.PostgresType>>;
}

/** The parsed options postgres.js hands to a `socket` factory (the parts used here). */
interface SocketTarget {
  host: string[];
  port: number[];
  path: string | false;
  ssl: unknown;
}

/**
 * Sockets for postgres.js that give up on a silent server: once something has been written, the connection
 * must hear back within `answerMs` (longer than `statement_timeout`) or it is destroyed, which fails what
 * it carried and frees its slot. postgres.js has no such deadline, and TCP notices a vanished peer (a
 * partition, a failover, a lost NAT entry) only after minutes: until then every query pipelined onto that
 * connection hangs. With TLS, postgres.js moves the stream onto its own TLS socket and this one sees no
 * more traffic, so the watchdog stays off there (the statement deadlines still apply).
 */
function answerWatchdog(answerMs: number): (target: SocketTarget) => Socket {
  let next = 0;
  return (target) => {
    const socket = new Socket();
    const index = next++ % target.host.length;
    // postgres.js reads these for TLS server names and error messages.
    Object.assign(socket, { host: target.host[index], port: target.port[index] });
    if (target.path) socket.connect(target.path);
    else socket.connect(target.port[index]!, target.host[index]!);
    if (target.ssl) return socket;

    let timer: NodeJS.Timeout | undefined;
    const disarm = () => {
      clearTimeout(timer);
      timer = undefined;
    };
    const silent = () =>
      // Read what already arrived first: our own event loop may be what was slow.
      setImmediate(() => {
        if (timer) socket.destroy(new DatabaseTimeoutError("connection", answerMs));
      });
    const write = socket.write;
    socket.write = function (this: Socket, ...args: unknown[]) {
      timer ??= setTimeout(silent, answerMs).unref();
      return (write as (...all: unknown[]) => boolean).apply(this, args);
    } as Socket["write"];
    socket.on("data", disarm);
    socket.on("close", disarm);
    return socket;
  };
}

/** The rows of a raw statement, whichever driver runs it (postgres.js answers an array, PGlite `{ rows }`). */
export async function queryRows<T extends Record<string, unknown>>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
