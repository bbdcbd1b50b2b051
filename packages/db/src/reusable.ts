import type { Query, SQLWrapper } from "drizzle-orm";
import type { PgDialect } from "drizzle-orm/pg-core";
import type { Executor } from "./client";

/**
 * A statement whose SQL is rendered once per process and then run with values. Drizzle renders SQL from its
 * builder tree on every call, and on the reset-request path that was a sixth of the app's CPU. `build`
 * writes the statement with `sql.placeholder(name)` where the values go: in `values()` or `set()` a value
 * still passes through its column's encoder; in a raw `sql` fragment it goes to the driver as given (write
 * `${sql.placeholder("at")}::timestamptz` and pass an ISO string). Rows come back as the driver returns them:
 * column names as in the database, timestamps as text.
 */
export function reusableStatement<V extends Record<string, unknown>>(build: (db: Executor) => SQLWrapper) {
  let query: Query | undefined;
  return async function run<R extends Record<string, unknown> = Record<string, unknown>>(db: Executor, values: V): Promise<R[]> {
    // The dialect only renders; both drivers use drizzle's PgDialect with this package's casing.
    query ??= (db as unknown as { dialect: PgDialect }).dialect.sqlToQuery(build(db).getSQL());
    const result = (await db._.session.prepareQuery(query, undefined, undefined, false).execute(values)) as unknown;
    return (Array.isArray(result) ? result : (result as { rows: R[] }).rows) as R[];
  };
}
