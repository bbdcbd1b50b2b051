import { and, eq, gt, isNull, passwordResetTokens, secureAccountTokens, sessions, users, type OutboxRow } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { enforceLimit, ipSubject } from "./rate-limit";
import { deriveSecureAccountToken, isWellFormedToken, sha256Hex } from "./tokens";

/** How long the "this wasn't me" link of a password-changed email works (CONTRACT §4a). */
export const SECURE_ACCOUNT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Called by the email job for a `password_changed` outbox row: stores the hash of the row's "this wasn't
 * me" token and returns the link to put in the email. Idempotent: a retried job gets the same link.
 */
export async function mintSecureAccountLink(deps: AuthDeps, row: Pick<OutboxRow, "id" | "userId" | "createdAt">): Promise<string | null> {
  if (!row.userId) return null;
  const token = deriveSecureAccountToken(deps.secret, row.id);
  await deps.db
    .insert(secureAccountTokens)
    .values({
      userId: row.userId,
      tokenHash: sha256Hex(token),
      outboxId: row.id,
      expiresAt: new Date(row.createdAt.getTime() + SECURE_ACCOUNT_TTL_SECONDS * 1000),
      createdAt: deps.clock(),
    })
    .onConflictDoNothing({ target: secureAccountTokens.outboxId });
  return `${deps.config.appUrl}/secure-account?token=${token}`;
}

/**
 * "This wasn't me": the owner reports a password change they did not make. In one transaction: uses the
 * link (single use; exactly one of concurrent calls wins), ends every session, kills every live reset
 * link and code, and locks password sign-in (ACCOUNT_LOCKED) until a reset completes. Opening the page
 * does nothing; only this call acts.
 */
export async function reportPasswordChange(deps: AuthDeps, input: { token: string }, meta: RequestMeta): Promise<void> {
  const { db } = deps;
  await enforceLimit(deps, meta, "token_ip", ipSubject(meta.ip));
  const event = "account.secure_failed";
  const fail = async (code: "TOKEN_INVALID" | "TOKEN_EXPIRED", reason: string, userId?: string): Promise<never> => {
    await audit(db, deps.clock(), meta, { event, reason, userId });
    throw new AuthError(code);
  };
  if (!isWellFormedToken(input.token)) return fail("TOKEN_INVALID", "malformed");
  const [found] = await db
    .select()
    .from(secureAccountTokens)
    .where(eq(secureAccountTokens.tokenHash, sha256Hex(input.token)));
  if (!found) return fail("TOKEN_INVALID", "unknown");
  if (found.usedAt) return fail("TOKEN_INVALID", "used", found.userId);
  if (found.expiresAt.getTime() <= deps.clock().getTime()) return fail("TOKEN_EXPIRED", "expired", found.userId);

  await db.transaction(async (tx) => {
    const now = deps.clock();
    // The race point: only one caller sees the row come back.
    const [used] = await tx
      .update(secureAccountTokens)
      .set({ usedAt: now })
      .where(and(eq(secureAccountTokens.id, found.id), isNull(secureAccountTokens.usedAt), gt(secureAccountTokens.expiresAt, now)))
      .returning({ id: secureAccountTokens.id });
    if (!used) throw new AuthError("TOKEN_INVALID");
    await tx.update(users).set({ lockedAt: now, updatedAt: now }).where(eq(users.id, found.userId));
    await tx.delete(sessions).where(eq(sessions.userId, found.userId));
    // The intruder may have asked for links too: every live one (and its code) dies.
    await tx
      .update(passwordResetTokens)
      .set({ revokedAt: now, codeHash: null })
      .where(and(eq(passwordResetTokens.userId, found.userId), isNull(passwordResetTokens.usedAt), isNull(passwordResetTokens.revokedAt)));
    await audit(tx, now, meta, {
      event: "account.secured",
      reason: "password_change_reported",
      userId: found.userId,
      details: { tokenId: found.id },
    });
  });
}
