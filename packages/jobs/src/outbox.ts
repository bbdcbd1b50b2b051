import { audit, type AuthDeps } from "@rekey/auth";
import { and, emailOutbox, eq, safeErrorText, sql } from "@rekey/db";

/**
 * Error text stored on the row and in the audit log: bounded, scrubbed, and for a database error its
 * SQLSTATE and message only (drizzle's message lists the query's parameters: the email with its link).
 */
function describe(error: unknown): string {
  return safeErrorText(error);
}

export async function markSent(deps: AuthDeps, outboxId: string, providerMessageId: string): Promise<void> {
  const now = deps.clock();
  await deps.db
    .update(emailOutbox)
    .set({ status: "sent", sentAt: now, updatedAt: now, providerMessageId, lockedUntil: null, lastError: null })
    .where(eq(emailOutbox.id, outboxId));
}

export async function markSkipped(deps: AuthDeps, outboxId: string, reason: string): Promise<void> {
  const now = deps.clock();
  await deps.db
    .update(emailOutbox)
    .set({ status: "skipped", updatedAt: now, lockedUntil: null, lastError: reason })
    .where(eq(emailOutbox.id, outboxId));
}

/** Counts a failed attempt; returns the attempts made so far. */
export async function recordFailure(deps: AuthDeps, outboxId: string, error: unknown): Promise<number> {
  const [row] = await deps.db
    .update(emailOutbox)
    .set({ attempts: sql`${emailOutbox.attempts} + 1`, lastError: describe(error), updatedAt: deps.clock() })
    .where(eq(emailOutbox.id, outboxId))
    .returning({ attempts: emailOutbox.attempts });
  return row?.attempts ?? 0;
}

/** After the last attempt: the row is dead, with its last error, and the audit log says so. */
export async function markDead(deps: AuthDeps, outboxId: string, error: unknown): Promise<void> {
  const now = deps.clock();
  const [row] = await deps.db
    .update(emailOutbox)
    .set({ status: "dead", lastError: describe(error), updatedAt: now, lockedUntil: null })
    .where(and(eq(emailOutbox.id, outboxId), eq(emailOutbox.status, "pending")))
    .returning();
  if (row) {
    await audit(deps.db, now, null, {
      event: "email.dead",
      reason: row.kind,
      userId: row.userId,
      subject: row.recipient,
      details: { outboxId, attempts: row.attempts, error: row.lastError },
    });
    deps.logger.error({ outboxId, kind: row.kind, attempts: row.attempts }, "email given up after its last attempt");
  }
}
