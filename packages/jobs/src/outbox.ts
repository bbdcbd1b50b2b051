import { audit, type AuthDeps } from "@rekey/auth";
import { and, auditEvents, emailOutbox, eq, inArray, isNull, lte, ne, or, queryRows, safeErrorText, sql, users, type OutboxRow } from "@rekey/db";
import type { RetryPlan } from "./retry";

/**
 * State changes of outbox rows after they were written (`enqueueEmail` in @rekey/auth writes them). Every
 * change leaves a row only while it is `pending`, and releases its lease.
 */

/**
 * Error text stored on the row and in the audit log: bounded, scrubbed, and for a database error its
 * SQLSTATE and message only (drizzle's message lists the query's parameters: the email with its link).
 */
function describe(error: unknown): string {
  return safeErrorText(error);
}

const released = { lockedUntil: null, lockedBy: null } as const;

/**
 * The provider accepted the email (or had already accepted its key). Applies to a row in any state but
 * `sent`: when a send that started in time is answered after another worker expired the row, the email did go.
 */
export async function markSent(deps: AuthDeps, outboxId: string, providerMessageId: string | null): Promise<void> {
  const now = deps.clock();
  await deps.db
    .update(emailOutbox)
    .set({ status: "sent", sentAt: now, updatedAt: now, providerMessageId, lastError: null, ...released })
    .where(and(eq(emailOutbox.id, outboxId), ne(emailOutbox.status, "sent")));
}

export async function markSkipped(deps: AuthDeps, outboxId: string, reason: string): Promise<void> {
  const now = deps.clock();
  await deps.db
    .update(emailOutbox)
    .set({ status: "skipped", updatedAt: now, lastError: reason, ...released })
    .where(and(eq(emailOutbox.id, outboxId), eq(emailOutbox.status, "pending")));
}

/** The audit event and log line of a row that ended without an email: `dead` or `expired`. */
async function reportGivenUp(deps: AuthDeps, row: OutboxRow, why: string): Promise<void> {
  const event = row.status === "dead" ? "email.dead" : "email.expired";
  await audit(deps.db, row.updatedAt, null, {
    event,
    reason: row.kind,
    userId: row.userId,
    subject: row.recipient,
    details: { outboxId: row.id, attempts: row.attempts, why, error: row.lastError },
  });
  const message = row.status === "dead" ? "email given up" : "email expired before it could be delivered";
  deps.logger.error({ outboxId: row.id, kind: row.kind, attempts: row.attempts, why }, message);
}

/**
 * The row's deadline passed (or is too close for a send to finish) before an attempt: it is `expired`,
 * never sent late. The person can ask again.
 */
export async function markExpired(deps: AuthDeps, row: Pick<OutboxRow, "id" | "lastError">, reason: string): Promise<boolean> {
  const now = deps.clock();
  const lastError = row.lastError ? `${reason} (last error: ${row.lastError})` : reason;
  const [updated] = await deps.db
    .update(emailOutbox)
    .set({ status: "expired", lastError, updatedAt: now, ...released })
    .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, "pending")))
    .returning();
  if (updated) await reportGivenUp(deps, updated, reason);
  return Boolean(updated);
}

/**
 * Records a failed attempt and what follows it (`plan`) in one update: the next attempt's time, or the row
 * `expired` or `dead` (audited). With `claim`, only while that claim still holds the row: a worker whose
 * lease lapsed (another worker took the row) changes nothing. Returns whether the row was updated.
 */
export async function recordFailure(deps: AuthDeps, outboxId: string, error: unknown, plan: RetryPlan, claim?: string): Promise<boolean> {
  const now = deps.clock();
  const text = describe(error);
  const next =
    plan.action === "retry"
      ? { nextAttemptAt: plan.at, lastError: text }
      : plan.action === "expire"
        ? { status: "expired" as const, lastError: `${plan.reason} (last error: ${text})` }
        : { status: "dead" as const, lastError: text };
  const [row] = await deps.db
    .update(emailOutbox)
    .set({ attempts: sql`${emailOutbox.attempts} + 1`, updatedAt: now, ...released, ...next })
    .where(and(eq(emailOutbox.id, outboxId), eq(emailOutbox.status, "pending"), claim ? eq(emailOutbox.lockedBy, claim) : undefined))
    .returning();
  if (row && plan.action !== "retry") await reportGivenUp(deps, row, plan.reason);
  return Boolean(row);
}

/** After the last attempt of a runner that counts them itself (Inngest's onFailure): dead, audited, once. */
export async function markDead(deps: AuthDeps, outboxId: string, error: unknown): Promise<void> {
  const now = deps.clock();
  const [row] = await deps.db
    .update(emailOutbox)
    .set({ status: "dead", lastError: describe(error), updatedAt: now, ...released })
    .where(and(eq(emailOutbox.id, outboxId), eq(emailOutbox.status, "pending")))
    .returning();
  if (row) await reportGivenUp(deps, row, "out of attempts");
}

/**
 * Expires pending rows whose deadline has passed and that no live lease holds (their event was lost, their
 * worker died for good). Returns how many. The Inngest sweeper runs it; the embedded worker expires such rows
 * when it claims them.
 */
export async function expireOverdue(deps: AuthDeps, limit = 500): Promise<number> {
  const now = deps.clock();
  const overdue = await deps.db
    .select({ id: emailOutbox.id, lastError: emailOutbox.lastError })
    .from(emailOutbox)
    .where(
      and(eq(emailOutbox.status, "pending"), lte(emailOutbox.expiresAt, now), or(isNull(emailOutbox.lockedUntil), lte(emailOutbox.lockedUntil, now))),
    )
    .limit(limit);
  let expired = 0;
  for (const row of overdue) if (await markExpired(deps, row, "the delivery deadline passed while the row waited")) expired++;
  return expired;
}

/**
 * Settles, in one statement, the reset requests among a claim's rows whose address has no account: each
 * becomes `skipped` (`unknown_email`) with its `password_reset.not_sent` event, exactly as delivering it one
 * by one would end (mintResetLink), but without three statements per row. Under load most requests can be
 * for addresses nobody registered, and their rows must not cost the worker what a real email costs. Only
 * rows this claim still holds and whose deadline is more than `guardMs` away (later ones end as `expired`
 * on the usual path). Addresses are stored lowercased (validators); either spelling is looked up, so a
 * row is never settled here while mintResetLink would find its account. Returns the settled rows' ids.
 */
export async function settleUnknownRecipients(deps: AuthDeps, claim: string, rows: OutboxRow[], guardMs: number): Promise<Set<string>> {
  const ids = rows.filter((row) => row.kind === "password_reset").map((row) => row.id);
  if (ids.length === 0) return new Set();
  const now = deps.clock();
  const o = emailOutbox;
  const at = sql`${now.toISOString()}::timestamptz`;
  const settled = await queryRows<{ id: string }>(
    deps.db,
    sql`with unknown as (
      update ${o} set status = 'skipped', last_error = 'unknown_email', updated_at = ${at}, locked_until = null, locked_by = null
      where ${inArray(o.id, ids)} and ${o.lockedBy} = ${claim} and ${o.status} = 'pending'
        and ${o.expiresAt} > ${new Date(now.getTime() + guardMs).toISOString()}::timestamptz
        and not exists (select 1 from ${users} where lower(${users.email}) in (${o.recipient}, lower(${o.recipient})))
      returning ${o.id} as id, ${o.recipient} as recipient, ${o.payload} as payload
    ), audited as (
      insert into ${auditEvents} (at, event, reason, subject, ip, user_agent, details)
      select ${at}, 'password_reset.not_sent', 'unknown_email', recipient, payload->>'ip', payload->>'userAgent',
        jsonb_build_object('outboxId', id)
      from unknown
    )
    select id from unknown`,
  );
  return new Set(settled.map((row) => String(row.id)));
}
