import { and, asc, emailOutbox, eq, inArray, isNull, lte, lt, or } from "@rekey/db";
import { deliverOutboxRow, type JobDeps } from "./deliver";
import { markDead, recordFailure } from "./outbox";
import { purgeExpired } from "./purge";
import { directStep, PermanentDeliveryError, RetryableDeliveryError } from "./step";

export interface WorkerOptions {
  /** How long a claim lasts; a row whose worker died is claimed again after it. */
  leaseSeconds?: number;
  /** Attempts before a row is marked dead. */
  maxAttempts?: number;
  /** Waits between attempts, by attempt number (the last one repeats). */
  backoffSeconds?: number[];
  /** Fallback poll interval; a new row wakes the worker at once. */
  pollMs?: number;
  /** Rows claimed per round. */
  batchSize?: number;
  purgeEveryMs?: number;
}

const DEFAULTS: Required<WorkerOptions> = {
  leaseSeconds: 60,
  maxAttempts: 6,
  backoffSeconds: [5, 30, 120, 600, 1800],
  pollMs: 5_000,
  batchSize: 10,
  purgeEveryMs: 60 * 60 * 1000,
};

/**
 * The in-process outbox worker of the embedded mode: claims due rows with FOR UPDATE SKIP LOCKED and a
 * lease (so several processes on one PostgreSQL never take the same row), runs the same job body as the
 * Inngest functions, and schedules retries with backoff or a provider's Retry-After.
 */
export class EmbeddedWorker {
  private readonly options: Required<WorkerOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastPurge = 0;

  constructor(
    private readonly deps: JobDeps,
    options: WorkerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Run a round now (a row was just written); coalesces with a round already under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.wake(), this.options.pollMs);
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.drain();
        if (Date.now() - this.lastPurge > this.options.purgeEveryMs) {
          this.lastPurge = Date.now();
          await purgeExpired(this.deps.auth);
        }
      } catch (error) {
        this.deps.auth.logger.error({ err: error }, "outbox worker round failed");
      }
    } while (this.again && !this.stopped);
  }

  /** Processes every row that is due now; returns how many were attempted. Tests drive it directly. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.claim();
      if (ids.length === 0) return total;
      total += ids.length;
      await Promise.all(ids.map((id) => this.process(id)));
    }
  }

  private async claim(): Promise<string[]> {
    const { db, clock } = this.deps.auth;
    const now = clock();
    const leaseEnd = new Date(now.getTime() + this.options.leaseSeconds * 1000);
    return db.transaction(async (tx) => {
      const due = await tx
        .select({ id: emailOutbox.id })
        .from(emailOutbox)
        .where(
          and(
            eq(emailOutbox.status, "pending"),
            lte(emailOutbox.nextAttemptAt, now),
            or(isNull(emailOutbox.lockedUntil), lt(emailOutbox.lockedUntil, now)),
          ),
        )
        .orderBy(asc(emailOutbox.nextAttemptAt))
        .limit(this.options.batchSize)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      const ids = due.map((r) => r.id);
      await tx.update(emailOutbox).set({ lockedUntil: leaseEnd }).where(inArray(emailOutbox.id, ids));
      return ids;
    });
  }

  private async process(id: string): Promise<void> {
    const auth = this.deps.auth;
    try {
      await deliverOutboxRow(this.deps, id, directStep);
    } catch (error) {
      const ours = !(error instanceof RetryableDeliveryError || error instanceof PermanentDeliveryError);
      if (ours) {
        // Our own fault (database hiccup, render bug): counted like any failed attempt.
        // The logger serialises database errors by SQLSTATE and message only (the query's parameters hold the link).
        auth.logger.error({ outboxId: id, err: error }, "email job failed");
        await recordFailure(auth, id, error).catch(() => {});
      }
      const [row] = await auth.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      if (!row || row.status !== "pending") return;
      if (error instanceof PermanentDeliveryError || row.attempts >= this.options.maxAttempts) {
        await markDead(auth, id, error);
        return;
      }
      const backoff = this.options.backoffSeconds;
      const wait = Math.max(
        backoff[Math.min(Math.max(row.attempts - 1, 0), backoff.length - 1)] ?? 60,
        error instanceof RetryableDeliveryError ? (error.retryAfterSeconds ?? 0) : 0,
      );
      const now = auth.clock();
      await auth.db
        .update(emailOutbox)
        .set({ nextAttemptAt: new Date(now.getTime() + wait * 1000), lockedUntil: null, updatedAt: now })
        .where(eq(emailOutbox.id, id));
    }
  }
}
