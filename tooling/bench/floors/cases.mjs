// @ts-check
// What each reset endpoint minimally has to do, on the app's own tables, with nothing else around it: the
// "floor" the app is compared with. The bare node:http server and the bare Next route run these same
// functions, so the two floors differ only in what carries the request.
import { createHash } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const sha256Hex = (/** @type {string} */ value) => createHash("sha256").update(value).digest("hex");

/** @typedef {import("postgres").Sql} Sql */
/** @typedef {{ status: number, body: unknown }} Answer */

/** @type {Record<string, (sql: Sql, body: any) => Promise<Answer>>} */
export const CASES = {
  // The account lookup and the queued row a reset request needs.
  async requestPasswordReset(sql, { email }) {
    // lower(): the app's unique indexes are on lower(email) and lower(username); a bare `email =` scans the table.
    const [user] = await sql`select id from users where lower(email) = ${email.toLowerCase()}`;
    await sql`insert into bench_floor_outbox (recipient, user_id) values (${email}, ${user?.id ?? null})`;
    return { status: 200, body: { code: 200, msg: "ok", data: null } };
  },
  async verifyResetToken(sql, { token }) {
    const [row] = await sql`
      select t.expires_at, t.used_at, u.email, u.username from password_reset_tokens t
      left join users u on u.id = t.user_id where t.token_hash = ${sha256Hex(token)}`;
    if (!row || row.used_at) return { status: 400, body: { code: 400, msg: "invalid", data: null } };
    return { status: 200, body: { code: 200, msg: "ok", data: { email: row.email, username: row.username } } };
  },
  // The same two argon2id runs as the app's reset (is it the current password? then the new hash).
  async resetPassword(sql, { token, new_password: password }) {
    const [row] = await sql`
      select t.id, t.user_id, u.password_hash from password_reset_tokens t
      join users u on u.id = t.user_id where t.token_hash = ${sha256Hex(token)} and t.used_at is null`;
    if (!row) return { status: 400, body: { code: 400, msg: "invalid", data: null } };
    if (await verify(row.password_hash, password)) return { status: 400, body: { code: 400, msg: "unchanged", data: null } };
    const passwordHash = await hash(password, ARGON2);
    await sql.begin(async (tx) => {
      await tx`update users set password_hash = ${passwordHash} where id = ${row.user_id}`;
      await tx`update password_reset_tokens set used_at = now() where user_id = ${row.user_id} and used_at is null`;
    });
    return { status: 200, body: { code: 200, msg: "ok", data: null } };
  },
  async login(sql, { account, password }) {
    const key = String(account).toLowerCase();
    const [user] = await sql`select id, password_hash from users where lower(email) = ${key} or lower(username) = ${key}`;
    if (!user || !(await verify(user.password_hash, password))) return { status: 400, body: { code: 400, msg: "invalid", data: null } };
    return { status: 200, body: { code: 200, msg: "ok", data: { id: user.id } } };
  },
};
