import { audit, maskEmail, type AuthDeps } from "@rekey/auth";
import { and, asc, desc, emailOutbox, eq, gt, inArray, or, safeErrorText, sql, type OutboxRow, type SQL } from "@rekey/db";
import { EVENT_FOR_KIND } from "./events";
import { sendGuardMs, tooLateToSend } from "./retry";
import type { Jobs } from "./setup";

/**
 * What an operator sees of a row: pending (never tried yet), retrying (pending after failed attempts), sent,
 * skipped (nothing to send: unknown address, superseded link…), dead (given up) or expired (too late to send).
 */
export type OutboxState = "pending" | "retrying" | "sent" | "skipped" | "dead" | "expired";
/** The rows listed when no state is asked for: those waiting, and those that went wrong. */
const PROBLEMS: readonly OutboxState[] = ["pending", "retrying", "dead", "expired"];

interface OutboxRowView {
  id: string;
  kind: OutboxRow["kind"];
  state: OutboxState;
  /** Masked: an operator's terminal is no place for a list of addresses. */
  recipient: string;
  attempts: number;
  age_seconds: number;
  /** Until the next attempt (pending, retrying; 0 when due), or null. */
  next_attempt_in_seconds: number | null;
  /** Until the row's delivery deadline; negative once it has passed. */
  deadline_in_seconds: number;
  reason: string | null;
}

interface OutboxCounts {
  counts: Record<OutboxState, number>;
  /** Age of the oldest row still waiting to be sent (pending or retrying), or null. */
  oldest_pending_seconds: number | null;
}

export interface OutboxOverview extends OutboxCounts {
  rows: OutboxRowView[];
}

const stateOf = (row: Pick<OutboxRow, "status" | "attempts">): OutboxState =>
  row.status === "pending" && row.attempts > 0 ? "retrying" : row.status;

/** The rows of one state, in SQL (so a `limit` counts rows of that state only). */
function whereState(state: OutboxState): SQL {
  if (state === "retrying") return and(eq(emailOutbox.status, "pending"), gt(emailOutbox.attempts, 0))!;
  if (state === "pending") return and(eq(emailOutbox.status, "pending"), eq(emailOutbox.attempts, 0))!;
  return eq(emailOutbox.status, state);
}

const seconds = (ms: number) => Math.round(ms / 1000);

/** Counts by state and the age of the oldest waiting row. */
async function outboxCounts(deps: AuthDeps): Promise<OutboxCounts> {
  const { db } = deps;
  const now = deps.clock().getTime();
  const grouped = await db
    .select({ status: emailOutbox.status, retried: sql<boolean>`${emailOutbox.attempts} > 0`, n: sql<number>`count(*)::int` })
    .from(emailOutbox)
    .groupBy(emailOutbox.status, sql`${emailOutbox.attempts} > 0`);
  const counts: Record<OutboxState, number> = { pending: 0, retrying: 0, sent: 0, skipped: 0, dead: 0, expired: 0 };
  for (const g of grouped) counts[g.status === "pending" && g.retried ? "retrying" : g.status] += Number(g.n);
  // Through the typed column (a Date on both drivers), not `min()` in raw SQL (a driver-specific string).
  const [oldest] = await db
    .select({ at: emailOutbox.createdAt })
    .from(emailOutbox)
    .where(eq(emailOutbox.status, "pending"))
    .orderBy(asc(emailOutbox.createdAt))
    .limit(1);
  return { counts, oldest_pending_seconds: oldest ? seconds(now - oldest.at.getTime()) : null };
}

/**
 * The queue as an operator needs it: counts by state, and the rows that are waiting or went wrong (newest
 * first, at most `limit`, default 50), each with its reason and age. `state` narrows the rows to one state.
 * `limit: 0` reads the counts only.
 */
export async function outboxOverview(deps: AuthDeps, options: { state?: OutboxState; limit?: number } = {}): Promise<OutboxOverview> {
  const now = deps.clock().getTime();
  const overview = await outboxCounts(deps);
  if (options.limit === 0) return { ...overview, rows: [] };
  const wanted = options.state ? [options.state] : PROBLEMS;
  const rows = await deps.db
    .select()
    .from(emailOutbox)
    .where(or(...wanted.map(whereState)))
    .orderBy(desc(emailOutbox.createdAt), desc(emailOutbox.id))
    .limit(options.limit ?? 50);
  return {
    ...overview,
    rows: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      state: stateOf(row),
      recipient: maskEmail(row.recipient),
      attempts: row.attempts,
      age_seconds: seconds(now - row.createdAt.getTime()),
      next_attempt_in_seconds: row.status === "pending" ? Math.max(0, seconds(row.nextAttemptAt.getTime() - now)) : null,
      deadline_in_seconds: seconds(row.expiresAt.getTime() - now),
      reason: row.lastError,
    })),
  };
}

/** Notices keep their worth past a day (they are the only warning after a takeover): a fresh day to send. */
export const NOTICE_REQUEUE_MS = 86_400_000;

export interface RequeueResult {
  requeued: Array<{ id: string; kind: OutboxRow["kind"] }>;
  /** Dead reset emails whose link has expired (or would before a send ends): sending would deliver a dead link. */
  too_late: string[];
  /** Ids asked for that were not dead (their state, or null when there is no such row): left as they are. */
  not_dead: Array<{ id: string; state: OutboxState | null }>;
  /** Inngest mode: the rows are pending again but their events could not be sent (why), else null. */
  wake_error: string | null;
}

/**
 * Puts dead rows (`ids`, or every dead row) back in the queue for a fresh round of attempts, and wakes
 * delivery for them. A reset email is re-queued only while its link still leaves time to send it (the
 * person can always ask again); a "password changed" notice gets at least a new day to be sent. Audited
 * (`email.requeued`).
 */
export async function requeueDead(jobs: Pick<Jobs, "deps" | "mode" | "inngest" | "dispatch">, ids?: string[]): Promise<RequeueResult> {
  const deps = jobs.deps.auth;
  const { db } = deps;
  const now = deps.clock();
  const result: RequeueResult = { requeued: [], too_late: [], not_dead: [], wake_error: null };
  const asked = ids ? [...new Set(ids.map((id) => id.toLowerCase()))] : undefined;
  if (asked?.length === 0) return result;
  const found = await db
    .select()
    .from(emailOutbox)
    .where(asked ? inArray(emailOutbox.id, asked) : eq(emailOutbox.status, "dead"));
  if (asked) {
    const byId = new Map(found.map((row) => [row.id, row]));
    for (const id of asked) {
      const row = byId.get(id);
      if (!row || row.status !== "dead") result.not_dead.push({ id, state: row ? stateOf(row) : null });
    }
  }
  for (const row of found) {
    if (row.status !== "dead") continue;
    const notice = row.kind === "password_changed";
    if (!notice && tooLateToSend(row.expiresAt, now, sendGuardMs(jobs.deps.transport))) {
      result.too_late.push(row.id);
      continue;
    }
    const freshDay = new Date(Math.max(row.expiresAt.getTime(), now.getTime() + NOTICE_REQUEUE_MS));
    const [updated] = await db
      .update(emailOutbox)
      .set({
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        lockedUntil: null,
        lockedBy: null,
        updatedAt: now,
        ...(notice ? { expiresAt: freshDay } : {}),
      })
      // The race point: only a row still dead is taken back (two operators, or a purge, at once).
      .where(and(eq(emailOutbox.id, row.id), eq(emailOutbox.status, "dead")))
      .returning({ id: emailOutbox.id });
    if (!updated) {
      if (asked) result.not_dead.push({ id: row.id, state: null });
      continue;
    }
    result.requeued.push({ id: row.id, kind: row.kind });
    await audit(db, now, null, {
      event: "email.requeued",
      reason: row.kind,
      userId: row.userId,
      subject: row.recipient,
      details: { outboxId: row.id, attempts: row.attempts },
    });
  }
  try {
    await wakeRequeued(jobs, result.requeued, now);
  } catch (error) {
    result.wake_error = safeErrorText(error);
    deps.logger.warn({ rows: result.requeued.map((row) => row.id), err: error }, "re-queued rows' events not sent");
  }
  return result;
}

/**
 * Hands re-queued rows to delivery. The embedded worker is woken. In Inngest mode each row gets a new event
 * whose id is not the row's id: Inngest drops an event whose id it saw in the last 24 hours, and the row's
 * first event carried the row's id. Throws when the events could not be sent (the rows stay pending).
 */
async function wakeRequeued(jobs: Pick<Jobs, "mode" | "inngest" | "dispatch">, rows: RequeueResult["requeued"], at: Date): Promise<void> {
  if (rows.length === 0) return;
  if (jobs.mode !== "inngest" || !jobs.inngest) {
    jobs.dispatch(rows);
    return;
  }
  await jobs.inngest.send(rows.map((row) => EVENT_FOR_KIND[row.kind].create({ outboxId: row.id }, { id: `${row.id}:requeued:${at.getTime()}` })));
}
