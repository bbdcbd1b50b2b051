import { emailOutbox, eq, passwordResetTokens, queryRows, sql, users, type OutboxRow, type User } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps } from "./deps";
import { deriveResetToken, sha256Hex } from "./tokens";
import { findUserByEmail } from "./users";

export type MintResult =
  | { status: "send"; link: string; user: Pick<User, "id" | "email" | "username">; expiresAt: Date }
  | { status: "skip"; reason: "unknown_email" | "account_disabled" | "expired" | "superseded" | "used" };

/**
 * Called by the email job for a `password_reset` outbox row: resolves the account, stores the token's
 * hash, and returns the link to email (given the outbox row as the job has it, or its id). Idempotent: a
 * retried job gets the same link back, never a second token. The newest request of a user wins; older unused tokens are revoked.
 */
export async function mintResetLink(deps: AuthDeps, outbox: OutboxRow | string): Promise<MintResult> {
  const { db, config } = deps;
  const [row] = typeof outbox === "string" ? await db.select().from(emailOutbox).where(eq(emailOutbox.id, outbox)) : [outbox];
  const outboxId = typeof outbox === "string" ? outbox : outbox.id;
  if (!row || row.kind !== "password_reset") throw new Error(`outbox row ${outboxId} is not a password reset`);
  const requestedAt = row.createdAt;
  // The link lives exactly as long as the row may be delivered: one deadline, stored when it was queued.
  const expiresAt = row.expiresAt;
  const now = deps.clock();
  const meta = { ip: row.payload.ip ?? null, userAgent: row.payload.userAgent ?? null };

  const found = await findUserByEmail(db, row.recipient);
  const skip = async (reason: Extract<MintResult, { status: "skip" }>["reason"], userId?: string) => {
    await audit(db, now, meta, { event: "password_reset.not_sent", reason, userId, subject: row.recipient, details: { outboxId } });
    return { status: "skip", reason } as const;
  };
  if (!found) return skip("unknown_email");
  if (found.status !== "active") return skip("account_disabled", found.id);
  if (expiresAt.getTime() <= now.getTime()) return skip("expired", found.id);

  const token = deriveResetToken(deps.secret, outboxId);
  const outcome = await db.transaction(async (tx) => {
    // Serialise minting and resets per user, so "newest request wins" holds under concurrency.
    const [user] = await tx.select().from(users).where(eq(users.id, found.id)).for("update");
    if (!user || user.status !== "active") return "account_disabled" as const;
    // A password change after this request makes the request moot.
    if (user.passwordChangedAt.getTime() > requestedAt.getTime()) return "superseded" as const;

    await tx
      .insert(passwordResetTokens)
      .values({
        userId: user.id,
        tokenHash: sha256Hex(token),
        outboxId,
        requestedAt,
        expiresAt,
        createdAt: now,
        requestIp: meta.ip,
        requestUserAgent: meta.userAgent,
      })
      .onConflictDoNothing({ target: passwordResetTokens.outboxId });

    // One statement where there were three (round trips are most of a job's cost under load). Every part
    // sees the same snapshot, which holds the token inserted above: is a newer request of this user there?
    // Then mine is revoked; otherwise the older live ones are. Requests are ordered by time, and requests
    // of the same instant by outbox id, so that of any two exactly one is the newer and at most one link
    // of a user is ever live.
    const t = passwordResetTokens;
    // Raw statements get timestamps as text: the drivers' own Date handling differs (drizzle maps columns).
    const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;
    const [mine, stamp] = [at(requestedAt), at(now)];
    const live = sql`${t.userId} = ${user.id} and ${t.usedAt} is null and ${t.revokedAt} is null`;
    const [state] = await queryRows<{ superseded: boolean; used: boolean | null; revoked: boolean | null }>(
      tx,
      sql`with newer as (
        select 1 from ${t} where ${t.userId} = ${user.id}
          and (${t.requestedAt} > ${mine} or (${t.requestedAt} = ${mine} and ${t.outboxId} > ${outboxId}))
        limit 1
      ), revoke_mine as (
        update ${t} set revoked_at = ${stamp} where ${live} and ${t.outboxId} = ${outboxId} and exists (select 1 from newer)
      ), revoke_older as (
        update ${t} set revoked_at = ${stamp} where ${live} and not exists (select 1 from newer)
          and (${t.requestedAt} < ${mine} or (${t.requestedAt} = ${mine} and ${t.outboxId} < ${outboxId}))
      )
      select exists (select 1 from newer) as superseded,
        (select ${t.usedAt} is not null from ${t} where ${t.outboxId} = ${outboxId}) as used,
        (select ${t.revokedAt} is not null from ${t} where ${t.outboxId} = ${outboxId}) as revoked`,
    );
    if (!state || state.superseded) return "superseded" as const;
    if (state.used) return "used" as const;
    // No token (cannot happen: inserted above or before) or revoked by a newer request earlier.
    if (state.used === null || state.revoked) return "superseded" as const;
    return user;
  });

  if (typeof outcome === "string") return skip(outcome, found.id);
  return {
    status: "send",
    link: `${config.appUrl}/reset-password?token=${token}`,
    user: { id: outcome.id, email: outcome.email, username: outcome.username },
    expiresAt,
  };
}
