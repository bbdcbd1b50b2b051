import { and, emailOutbox, eq, gt, isNull, lt, or, passwordResetTokens, users, type User } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps } from "./deps";
import { deriveResetToken, sha256Hex } from "./tokens";
import { findUserByEmail } from "./users";

export type MintResult =
  | { status: "send"; link: string; user: Pick<User, "id" | "email" | "username">; expiresAt: Date }
  | { status: "skip"; reason: "unknown_email" | "account_disabled" | "expired" | "superseded" | "used" };

/**
 * Called by the email job for a `password_reset` outbox row: resolves the account, stores the token's
 * hash, and returns the link to email. Idempotent: a retried job gets the same link back, never a second
 * token. The newest request of a user wins; older unused tokens are revoked.
 */
export async function mintResetLink(deps: AuthDeps, outboxId: string): Promise<MintResult> {
  const { db, config } = deps;
  const [row] = await db.select().from(emailOutbox).where(eq(emailOutbox.id, outboxId));
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

    const live = and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt), isNull(passwordResetTokens.revokedAt));
    // Requests are ordered by time, and requests of the same instant by outbox id, so that of any two
    // exactly one is the newer and at most one link of a user is ever live.
    const sameInstant = eq(passwordResetTokens.requestedAt, requestedAt);
    const newerThanMine = or(gt(passwordResetTokens.requestedAt, requestedAt), and(sameInstant, gt(passwordResetTokens.outboxId, outboxId)));
    const olderThanMine = or(lt(passwordResetTokens.requestedAt, requestedAt), and(sameInstant, lt(passwordResetTokens.outboxId, outboxId)));
    const [newer] = await tx
      .select({ id: passwordResetTokens.id })
      .from(passwordResetTokens)
      .where(and(eq(passwordResetTokens.userId, user.id), newerThanMine))
      .limit(1);
    if (newer) {
      await tx.update(passwordResetTokens).set({ revokedAt: now }).where(and(live, eq(passwordResetTokens.outboxId, outboxId)));
      return "superseded" as const;
    }
    await tx.update(passwordResetTokens).set({ revokedAt: now }).where(and(live, olderThanMine));

    const [mine] = await tx.select().from(passwordResetTokens).where(eq(passwordResetTokens.outboxId, outboxId));
    if (mine?.usedAt) return "used" as const;
    if (!mine || mine.revokedAt) return "superseded" as const;
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
