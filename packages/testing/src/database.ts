import { sql, type DatabaseHandle } from "@rekey/db";
import type { TestDatabaseTarget } from "@rekey/db/testing";

/**
 * One migrated database of a target for a whole describe block: creating one costs about a second (a PGlite
 * clone, a PostgreSQL `create database` plus migrations), emptying it a few milliseconds.
 */
export interface TestDatabase {
  /** Which engine: suites that run on both name their cases by it. */
  name: TestDatabaseTarget["name"];
  handle: DatabaseHandle;
  /** Empties every table (the schema and migrations stay): call it in `beforeEach` for a clean slate. */
  reset(): Promise<void>;
  /** Closes the handle; a PostgreSQL database is dropped. */
  close(): Promise<void>;
}

const TRUNCATE_ALL = sql.raw(`do $$
declare tables text;
begin
  select string_agg(format('%I.%I', schemaname, tablename), ', ') into tables from pg_tables where schemaname = 'public';
  if tables is not null then execute 'truncate table ' || tables || ' restart identity cascade'; end if;
end $$`);

/**
 * A fresh, migrated, empty database of `target` (one of `testDatabases()` from `@rekey/db/testing`: PGlite
 * always, PostgreSQL when it answers), with a `reset()` that empties it between tests.
 */
export async function openTestDatabase(target: TestDatabaseTarget): Promise<TestDatabase> {
  const handle = await target.create();
  return {
    name: target.name,
    handle,
    reset: async () => void (await handle.db.execute(TRUNCATE_ALL)),
    close: () => handle.close(),
  };
}
