import type { OutboxRow } from "@rekey/db";
import { deliverOutboxRow, type JobDeps } from "./deliver";
import { claimDue, nextClaimableAt, releaseClaim, renewClaim } from "./lease";
import { settleUnknownRecipients } from "./outbox";
import { UNPACED, type Pacer } from "./pace";
import { purgeExpired } from "./purge";
import { DEFAULT_MAX_ATTEMPTS, sendGuardMs, type RetryPolicy } from "./retry";
import { directStep } from "./step";

export interface WorkerOptions {
  /** How long a claim lasts unless renewed; a row whose worker died is claimed again after it. */
  leaseSeconds?: number;
  /** How often the leases of rows being worked on are renewed (real time). */
  renewEveryMs?: number;
  /**
   * A row still being worked on after this long (real time) is wedged: its lease is no longer renewed, so
   * another worker takes it over (the idempotency key keeps that to one email).
   */
  maxHoldMs?: number;
  /** Failed attempts before a row is dead even with time left (a safety net: the deadline bounds retries). */
  maxAttempts?: number;
  /** The jitter's source, uniform in [0, 1). */
  random?: () => number;
  /** The longest sleep between rounds; the worker also wakes when the next row is due, and on new rows. */
  pollMs?: number;
  /** Rows claimed at a time (never more than free sending slots). */
  batchSize?: number;
  /**
   * Rows worked on at once. A new claim is made as soon as a slot frees, so one slow send never holds up
   * the rows behind it, and a burst is sent as fast as the provider answers, not a batch at a time.
   */
  concurrency?: number;
  purgeEveryMs?: number;
  /**
   * New rows are taken up on the next tick of a clock of this period (real time), not the moment they are
   * written: the email work of a request then never runs while that request's answer is being written, and
   * lands on whichever request is in flight at the tick, known address or not (no timing tell).
   */
  tickMs?: number;
  /** Holds claims to a trickle while the answers are saturated (the delivery thread's; none by default). */
  pacer?: Pacer;
  /** Called on each tick before it looks for rows (the delivery thread re-arms its host's wake signal). */
  onTick?: () => void;
}

const DEFAULTS: Required<WorkerOptions> = {
  leaseSeconds: 10,
  renewEveryMs: 3_000,
  maxHoldMs: 60_000,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  random: Math.random,
  pollMs: 5_000,
  batchSize: 10,
  concurrency: 32,
  purgeEveryMs: 60 * 60 * 1000,
  tickMs: 20,
  pacer: UNPACED,
  onTick: () => {},
};

/** How long a paced worker waits before it looks at its allowance again. */
const PACE_CHECK_MS = 40;

/** Never sleep less than this between rounds: a due row that SKIP LOCKED hid (another claim in progress). */
const MIN_SLEEP_MS = 25;

/**
 * The in-process outbox worker of the embedded mode: claims due rows with FOR UPDATE SKIP LOCKED and a
 * short lease renewed while it works (so several processes on one PostgreSQL never take the same row, and
 * a dead worker's rows are free again within seconds), runs the same job body as the Inngest functions,
 * and sleeps until the next row is due (a retry within seconds wakes it within seconds).
 */
export class EmbeddedWorker {
  private readonly options: Required<WorkerOptions>;
  private readonly policy: RetryPolicy;
  private timer: NodeJS.Timeout | undefined;
  private tick: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** Set by stop(): no further claims, even by a drain() a test runs by hand. */
  private halted = false;
  private lastPurge = 0;
  /** Rows being worked on, by claim, with the real time their work started. */
  private readonly working = new Map<string, { claim: string; since: number }>();
  /** Claims being worked on, whether a round or a test's drain() started them. */
  private readonly batches = new Set<Promise<void>>();
  /** Rows in `batches` not yet finished: the slots in use. */
  private busySlots = 0;
  /** Resolves a drain() waiting for a free slot or for all work to end, when new rows were written. */
  private nudge: (() => void) | undefined;
  /** Wake-ups during a round; a claim that finds nothing only ends the drain if none came while it ran. */
  private wakes = 0;

  constructor(
    private readonly deps: JobDeps,
    options: WorkerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.policy = { maxAttempts: this.options.maxAttempts, random: this.options.random };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    this.wake();
  }

  /**
   * Stops claiming and waits up to `timeoutMs` for the rows being worked on. Rows still unfinished then are
   * released (another worker may take them at once; the idempotency key keeps that to one email).
   */
  async stop(options: { timeoutMs?: number } = {}): Promise<void> {
    this.stopped = true;
    this.halted = true;
    clearTimeout(this.timer);
    clearTimeout(this.tick);
    this.tick = undefined;
    this.nudge?.();
    const busy = [...(this.running ? [this.running] : []), ...this.batches];
    if (busy.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), options.timeoutMs ?? 5_000)));
    const outcome = await Promise.race([Promise.all(busy).then(() => "done" as const), timedOut]);
    clearTimeout(timer);
    if (outcome === "done") return;
    const abandoned = [...this.working];
    this.working.clear(); // no more renewals: their work may still finish, but the rows are no longer ours
    const byClaim = new Map<string, string[]>();
    for (const [id, { claim }] of abandoned) byClaim.set(claim, [...(byClaim.get(claim) ?? []), id]);
    for (const [claim, rows] of byClaim) {
      await releaseClaim(this.deps.auth.db, claim, rows).catch((error: unknown) =>
        this.deps.auth.logger.warn({ err: error }, "could not release claimed rows; their lease lapses instead"),
      );
    }
  }

  /** New rows were written: a round on the next tick; coalesces with a round already under way. */
  wake(): void {
    if (this.stopped || this.tick) return;
    const { tickMs } = this.options;
    this.tick = setTimeout(
      () => {
        this.tick = undefined;
        this.options.onTick();
        this.round();
      },
      tickMs > 0 ? tickMs - (Date.now() % tickMs) : 0,
    );
  }

  private round(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      this.wakes++;
      this.nudge?.();
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop().then((sleepMs) => {
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(() => this.round(), sleepMs);
    });
  }

  /** Rounds until nothing more is due; returns how long to sleep before the next one. */
  private async loop(): Promise<number> {
    for (;;) {
      this.again = false;
      try {
        await this.drain();
        if (Date.now() - this.lastPurge > this.options.purgeEveryMs) {
          this.lastPurge = Date.now();
          await purgeExpired(this.deps.auth);
        }
      } catch (error) {
        this.deps.auth.logger.error({ err: error }, "outbox worker round failed");
        // A row committed during the failed round still gets a prompt retry, not the poll's.
        return this.again ? MIN_SLEEP_MS : this.options.pollMs;
      }
      if (this.stopped) return this.options.pollMs;
      const sleepMs = await this.untilNextDue();
      // A wake-up during the rounds or the look-ahead (a row committed meanwhile) must not wait for the timer.
      if (!this.again) return sleepMs;
    }
  }

  private async untilNextDue(): Promise<number> {
    try {
      const next = await nextClaimableAt(this.deps.auth.db);
      if (!next) return this.options.pollMs;
      const untilDue = next.getTime() - this.deps.auth.clock().getTime();
      return Math.min(this.options.pollMs, Math.max(MIN_SLEEP_MS, untilDue));
    } catch {
      return this.options.pollMs;
    }
  }

  /**
   * Works through every row that is due, keeping up to `concurrency` rows in flight and claiming more as
   * slots free (or as new rows are written); returns, with nothing left in flight, how many were attempted.
   * Tests drive it directly.
   */
  async drain(): Promise<number> {
    let total = 0;
    let exhausted = false;
    const { concurrency, batchSize, leaseSeconds } = this.options;
    while (!this.halted) {
      const free = concurrency - this.busySlots;
      if (free > 0 && !exhausted) {
        const { auth } = this.deps;
        const allowed = this.options.pacer.allowance();
        if (allowed < 1) {
          await new Promise((resolve) => setTimeout(resolve, PACE_CHECK_MS));
          continue;
        }
        const wakesBefore = this.wakes;
        const claim = await claimDue(auth.db, auth.clock(), { leaseMs: leaseSeconds * 1000, limit: Math.min(batchSize, free, allowed) });
        this.options.pacer.took(claim.rows.length);
        if (claim.rows.length > 0) {
          const settled = this.halted ? new Set<string>() : await this.settleUnknown(claim.id, claim.records);
          const rest = claim.records.filter((row) => !settled.has(row.id));
          if (rest.length > 0 && this.halted) {
            // Stopped while the claim was on its way: the rows go straight back, not into a lease nobody renews.
            await releaseClaim(
              auth.db,
              claim.id,
              rest.map((row) => row.id),
            ).catch(() => {});
            break;
          }
          total += claim.rows.length;
          if (rest.length > 0) {
            const batch = this.work(claim.id, rest).finally(() => this.batches.delete(batch));
            this.batches.add(batch);
          }
          continue;
        }
        // A row committed while the claim ran may not be in its snapshot, and its wake found no drain waiting
        // to nudge: claim again rather than wait for the slowest send in flight.
        if (this.wakes !== wakesBefore) continue;
        exhausted = true; // nothing due: wait for the work in flight, or for new rows
      }
      if (this.batches.size === 0) break;
      // A slot freeing (at capacity), all work ending (nothing due), or new rows: then claim again.
      await new Promise<void>((resolve) => {
        this.nudge = () => {
          exhausted = false;
          resolve();
        };
        if (!exhausted) void this.slotFreed().then(resolve);
        void Promise.all(this.batches).then(() => {
          exhausted = false;
          resolve();
        });
      });
      this.nudge = undefined;
    }
    // Halted: stop() waits for (or lets go of) the work in flight.
    return total;
  }

  /**
   * A claim's reset requests for addresses without an account, settled together (see
   * settleUnknownRecipients); with PASSWORD_RESET_NOTIFY_UNKNOWN they get an email, so none is settled.
   */
  private async settleUnknown(claim: string, records: OutboxRow[]): Promise<Set<string>> {
    const { auth, transport } = this.deps;
    if (auth.config.notifyUnknownEmail) return new Set();
    try {
      return await settleUnknownRecipients(auth, claim, records, sendGuardMs(transport));
    } catch (error) {
      // The rows take the usual path, one by one, which records what fails there.
      auth.logger.warn({ err: error }, "could not settle reset requests for unknown addresses together");
      return new Set();
    }
  }

  private slotFreed(): Promise<void> {
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private readonly slotWaiters: Array<() => void> = [];

  /** Delivers a claim's rows, renewing their lease until each is done (or wedged past maxHoldMs). */
  private async work(claim: string, records: OutboxRow[]): Promise<void> {
    const since = Date.now();
    for (const { id } of records) this.working.set(id, { claim, since });
    const renewal = setInterval(() => void this.renew(claim), this.options.renewEveryMs);
    renewal.unref();
    try {
      await Promise.all(
        records.map(async (row) => {
          const id = row.id;
          this.busySlots++;
          try {
            await deliverOutboxRow(this.deps, id, directStep, { policy: this.policy, claim, row });
          } catch {
            // Already logged and recorded on the row by the job body (or, with the database gone, left to
            // the lease: it lapses and the row comes back).
          } finally {
            if (this.working.get(id)?.claim === claim) this.working.delete(id);
            this.busySlots--;
            for (const wake of this.slotWaiters.splice(0)) wake();
          }
        }),
      );
    } finally {
      clearInterval(renewal);
    }
  }

  private async renew(claim: string): Promise<void> {
    const now = Date.now();
    const held = [...this.working].filter(([, w]) => w.claim === claim && now - w.since < this.options.maxHoldMs).map(([id]) => id);
    if (held.length === 0) return;
    try {
      const { auth } = this.deps;
      await renewClaim(auth.db, claim, held, auth.clock(), this.options.leaseSeconds * 1000);
    } catch (error) {
      // The database is away: the lease may lapse, and another worker may then take the row (one email still).
      this.deps.auth.logger.warn({ err: error }, "could not renew the lease of rows being worked on");
    }
  }
}
