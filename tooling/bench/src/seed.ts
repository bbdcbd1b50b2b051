/**
 * Reset links written straight into the app's (migrated) database for the verify and reset loads: the raw
 * token of link i is `tokenOf(tag, i)`, stored as its SHA-256 like the app's own links.
 */
import postgres from "postgres";

/** The raw token of seeded link `i`: 43 URL-safe characters, the shape of the app's tokens. */
export const tokenOf = (tag: string, i: number) => `${tag}_${String(i).padStart(42 - tag.length, "0")}`;

/**
 * Adds `count` live links (tokens `tokenOf(tag, 0…count-1)`, valid for 2 hours) spread over the accounts
 * `<prefix>-*` in turn (link i belongs to account i mod their number).
 */
export async function seedLinks(databaseUrl: string, options: { prefix: string; tag: string; count: number; from?: number }): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const width = 42 - options.tag.length;
    const from = options.from ?? 0;
    await sql`
      with owners as (
        select id, (row_number() over (order by email)) - 1 as n, count(*) over () as total
        from users where email like ${`${options.prefix}-%`}
      )
      insert into password_reset_tokens (user_id, token_hash, outbox_id, requested_at, expires_at)
      select o.id, encode(sha256(convert_to(${`${options.tag}_`} || lpad(g.i::text, ${width}, '0'), 'UTF8')), 'hex'),
             gen_random_uuid(), now(), now() + interval '2 hours'
      from generate_series(${from}::int, ${from + options.count - 1}::int) g(i)
      join owners o on o.n = g.i % o.total`;
  } finally {
    await sql.end();
  }
}

/** Runs statements on the bench database (the floors' table, row counts). */
export async function onDatabase<T>(databaseUrl: string, run: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await run(sql);
  } finally {
    await sql.end();
  }
}
