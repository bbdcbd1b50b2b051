import { randomUUID } from "node:crypto";
import { and, asc, emailOutbox, eq, inArray, isNull, lte, or, sql, type Database, type OutboxRow } from "@rekey/db";

/**
 * Claims of outbox rows by embedded workers (one process or several on one PostgreSQL). A claim is short
 * and renewed while its rows are worked on, so when a worker dies its rows are free again within seconds;
 * `locked_by` names the claim, so a worker whose lease lapsed cannot renew or reschedule a row that another
 * worker has taken since.
 */

export interface Claim {
  id: string;
  rows: string[];
  /** The claimed rows as they stand under the claim: delivery need not read them again. */
  records: OutboxRow[];
}

/** Rows that are due and not held by a live lease. */
const claimable = (now: Date) =>
  and(eq(emailOutbox.status, "pending"), lte(emailOutbox.nextAttemptAt, now), or(isNull(emailOutbox.lockedUntil), lte(emailOutbox.lockedUntil, now)));

/**
 * Claims up to `limit` due rows until `now + leaseMs`. FOR UPDATE SKIP LOCKED: two workers claiming at
 * once never take the same row, and neither waits for the other.
 */
export async function claimDue(db: Database, now: Date, options: { leaseMs: number; limit: number }): Promise<Claim> {
  const id = randomUUID();
  const leaseEnd = new Date(now.getTime() + options.leaseMs);
  // One statement (no transaction round trips): the subquery locks the due rows it picks, skipping rows
  // another claim is locking at this moment, and the update takes them.
  const due = db
    .select({ id: emailOutbox.id })
    .from(emailOutbox)
    .where(claimable(now))
    .orderBy(asc(emailOutbox.nextAttemptAt))
    .limit(options.limit)
    .for("update", { skipLocked: true });
  const records = await db.update(emailOutbox).set({ lockedUntil: leaseEnd, lockedBy: id }).where(inArray(emailOutbox.id, due)).returning();
  return { id, rows: records.map((r) => r.id), records };
}

/** Extends the lease of the claim's rows still pending and still held by it; returns those rows. */
export async function renewClaim(db: Database, claim: string, rows: string[], now: Date, leaseMs: number): Promise<string[]> {
  if (rows.length === 0) return [];
  const renewed = await db
    .update(emailOutbox)
    .set({ lockedUntil: new Date(now.getTime() + leaseMs) })
    .where(and(inArray(emailOutbox.id, rows), eq(emailOutbox.lockedBy, claim), eq(emailOutbox.status, "pending")))
    .returning({ id: emailOutbox.id });
  return renewed.map((r) => r.id);
}

/** Gives the claim's rows back at once (a stopping worker): any worker may take them now. */
export async function releaseClaim(db: Database, claim: string, rows: string[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .update(emailOutbox)
    .set({ lockedUntil: null, lockedBy: null })
    .where(and(inArray(emailOutbox.id, rows), eq(emailOutbox.lockedBy, claim), eq(emailOutbox.status, "pending")));
}

/**
 * The earliest moment a pending row becomes claimable (its next attempt, or the end of the lease holding
 * it), or null when nothing is pending: the worker sleeps until then rather than a whole poll interval.
 */
export async function nextClaimableAt(db: Database): Promise<Date | null> {
  const [row] = await db
    .select({
      at: sql<Date | null>`min(greatest(${emailOutbox.nextAttemptAt}, coalesce(${emailOutbox.lockedUntil}, ${emailOutbox.nextAttemptAt})))`.mapWith(
        emailOutbox.nextAttemptAt,
      ),
    })
    .from(emailOutbox)
    .where(eq(emailOutbox.status, "pending"));
  return row?.at ?? null;
}

/**
 * Frees every claim at once. Only for a process that owns its database alone (the embedded PGlite, behind
 * its data-directory lock), at start: every claim then belongs to a process that died, and waiting out its
 * lease would only delay that mail.
 */
export async function releaseAllClaims(db: Database): Promise<number> {
  const freed = await db
    .update(emailOutbox)
    .set({ lockedUntil: null, lockedBy: null })
    .where(and(eq(emailOutbox.status, "pending"), sql`${emailOutbox.lockedBy} is not null`))
    .returning({ id: emailOutbox.id });
  return freed.length;
}
