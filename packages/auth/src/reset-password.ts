import { and, eq, gt, isNull, passwordResetTokens, sessions, users } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { enqueueEmail, notifyOutbox } from "./outbox";
import { assertPasswordAcceptable, hashPassword } from "./password";
import { enforceLimit, ipSubject } from "./rate-limit";
import { resolveResetToken, type ResetCredential } from "./reset-token";

/**
 * Sets a new password with a reset link's token or an address and its code. In one transaction: consumes
 * the token (exactly one of any number of concurrent calls wins), stores the new hash, revokes every other
 * link and code of the user, lifts an account lock, ends every session (web and API) and queues the
 * "password changed" email.
 */
export async function resetPassword(deps: AuthDeps, input: ResetCredential & { new_password: string }, meta: RequestMeta): Promise<void> {
  const { db, config } = deps;
  await enforceLimit(deps, meta, "token_ip", ipSubject(meta.ip));
  const event = "password_reset.reset_failed";
  const { token, user } = await resolveResetToken(deps, input, meta, event);
  try {
    await assertPasswordAcceptable(input.new_password, { minLength: config.passwordMinLength, currentHash: user.passwordHash });
  } catch (error) {
    if (error instanceof AuthError) await audit(db, deps.clock(), meta, { event, reason: error.code, userId: user.id });
    throw error;
  }
  // Hashing takes tens of milliseconds on the thread pool: do it before the transaction holds locks.
  const passwordHash = await hashPassword(input.new_password);

  const queued = await db.transaction(async (tx) => {
    const now = deps.clock();
    // Statements that do not wait for each other's results are sent together (postgres.js pipelines them
    // on the transaction's connection): one round trip each time instead of one per statement.
    const [[consumed], [locked]] = await Promise.all([
      // The conditional update is the race point: only one caller sees its row come back.
      tx
        .update(passwordResetTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(passwordResetTokens.id, token.id),
            isNull(passwordResetTokens.usedAt),
            isNull(passwordResetTokens.revokedAt),
            gt(passwordResetTokens.expiresAt, now),
          ),
        )
        .returning({ id: passwordResetTokens.id }),
      tx.select().from(users).where(eq(users.id, user.id)).for("update"),
    ]);
    if (!consumed) throw new AuthError(token.expiresAt.getTime() <= now.getTime() ? "TOKEN_EXPIRED" : "TOKEN_INVALID");
    if (!locked || locked.status !== "active") throw new AuthError("USER_NOT_FOUND");
    const [row] = await Promise.all([
      // Written in the same transaction as the change: the notice exists exactly when the change does.
      enqueueEmail(tx, deps, { kind: "password_changed", recipient: locked.email, userId: user.id, meta, at: now }),
      // A completed reset also lifts a "this wasn't me" lock: the owner has proven the mailbox again.
      tx.update(users).set({ passwordHash, passwordChangedAt: now, lockedAt: null, updatedAt: now }).where(eq(users.id, user.id)),
      tx
        .update(passwordResetTokens)
        .set({ revokedAt: now })
        .where(and(eq(passwordResetTokens.userId, user.id), isNull(passwordResetTokens.usedAt), isNull(passwordResetTokens.revokedAt))),
      tx.delete(sessions).where(eq(sessions.userId, user.id)),
      audit(tx, now, meta, { event: "password_reset.completed", userId: user.id, details: { tokenId: token.id } }),
    ]);
    return row;
  });
  notifyOutbox(deps, [queued]);
}
