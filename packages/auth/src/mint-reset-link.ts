import { emailOutbox, eq, passwordResetTokens, queryRows, sql, users, type OutboxRow, type User } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps } from "./deps";
import { deriveResetCode, deriveResetToken, resetCodeHash, sha256Hex } from "./tokens";
import { findUserByEmail } from "./users";

/** At most this many unused links of one account stay live (CONTRACT §1): a 4th retires the oldest. */
const MAX_LIVE_RESET_LINKS = 3;

export type MintResult =
  | { status: "send"; link: string; code: string; user: Pick<User, "id" | "email" | "username">; expiresAt: Date }
  | { status: "skip"; reason: "unknown_email" | "account_disabled" | "expired" | "superseded" | "used" };

/**
 * Called by the email job for a `password_reset` outbox row: resolves the account, stores the token's
 * hash, and returns the link to email (given the outbox row as the job has it, or its id). Idempotent: a
 * retried job gets the same link and code back, never a second token. Earlier unused links stay valid until
 * they expire, the newest {@link MAX_LIVE_RESET_LINKS} at most: slow mail must not turn a first link into
 * "invalid link" because the person asked again.
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
  const code = deriveResetCode(deps.secret, outboxId);
  const outcome = await db.transaction(async (tx) => {
    // Serialise minting and resets per user, so "the newest 3 stay live" holds under concurrency.
    const [user] = await tx.select().from(users).where(eq(users.id, found.id)).for("update");
    if (!user || user.status !== "active") return "account_disabled" as const;
    // A password change after this request makes the request moot.
    if (user.passwordChangedAt.getTime() > requestedAt.getTime()) return "superseded" as const;

    await tx
      .insert(passwordResetTokens)
      .values({
        userId: user.id,
        tokenHash: sha256Hex(token),
        codeHash: resetCodeHash(deps.secret, user.id, code),
        outboxId,
        requestedAt,
        expiresAt,
        createdAt: now,
        requestIp: meta.ip,
        requestUserAgent: meta.userAgent,
      })
      .onConflictDoNothing({ target: passwordResetTokens.outboxId });

    // One statement (round trips are most of a job's cost under load), seeing the token inserted above:
    // rank this user's live, unexpired links newest first (requests of the same instant by outbox id, so
    // the order is total), retire those past the newest MAX_LIVE_RESET_LINKS, and report on mine.
    const t = passwordResetTokens;
    // Raw statements get timestamps as text: the drivers' own Date handling differs (drizzle maps columns).
    const stamp = sql`${now.toISOString()}::timestamptz`;
    const [state] = await queryRows<{ superseded: boolean; used: boolean | null; revoked: boolean | null }>(
      tx,
      sql`with ranked as (
        select ${t.outboxId} as outbox_id,
          row_number() over (order by ${t.requestedAt} desc, ${t.outboxId} desc) as rank
        from ${t}
        where ${t.userId} = ${user.id} and ${t.usedAt} is null and ${t.revokedAt} is null and ${t.expiresAt} > ${stamp}
      ), retire as (
        update ${t} set revoked_at = ${stamp}
        where ${t.outboxId} in (select outbox_id from ranked where rank > ${MAX_LIVE_RESET_LINKS})
      )
      select coalesce((select rank > ${MAX_LIVE_RESET_LINKS} from ranked where outbox_id = ${outboxId}), false) as superseded,
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
    code,
    user: { id: outcome.id, email: outcome.email, username: outcome.username },
    expiresAt,
  };
}
