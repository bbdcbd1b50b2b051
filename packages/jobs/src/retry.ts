/**
 * When to try an email again: the one schedule the embedded worker and the Inngest functions share.
 *
 * A person is waiting at the inbox, so the first retries come within seconds; the waits grow (a provider
 * outage is not fixed by hammering it) but never beyond a tenth of the email's lifetime (at least a minute),
 * so a 10-minute link is tried about every minute until its end and a day-long notice about hourly. A
 * provider's Retry-After is honoured (the wait is the larger of the two). The row's deadline bounds it all:
 * a retry that would start too late to finish before the deadline is not scheduled, the row expires instead.
 */

/** Waits after the 1st, 2nd, … failed attempt; the last repeats. Each is jittered by ±{@link RETRY_JITTER}. */
export const RETRY_SCHEDULE_SECONDS = [1, 2, 4, 8, 15, 30, 60, 120, 300, 600, 1800, 3600] as const;
/** ±20 %: rows that failed together (a provider blip) do not all come back in the same instant. */
const RETRY_JITTER = 0.2;
/** The cap on any wait is a tenth of the row's lifetime, but never below this. */
const MIN_RETRY_CAP_SECONDS = 60;
/** A send with the same idempotency key is still in flight at the provider: it settles within a second or two. */
const IN_FLIGHT_RETRY_SECONDS = 1;
/**
 * Safety net only (the deadline is what bounds retries): a 10-minute link fits about 15 attempts, a day-long
 * notice about 35.
 */
export const DEFAULT_MAX_ATTEMPTS = 50;
/** No send starts closer than this to a deadline, whatever the transport's own timeout. */
const MIN_SEND_GUARD_MS = 1_000;

export interface RetryPolicy {
  /** Failed attempts after which a row is dead even with time left. */
  maxAttempts: number;
  /** Uniform in [0, 1): the jitter's source (tests pin it). */
  random: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: DEFAULT_MAX_ATTEMPTS, random: Math.random };

/**
 * How close to its deadline an email may still be handed to `transport`: a send that starts at
 * `deadline - guard` is answered (or given up) before the deadline, so the provider never gets it late.
 */
export function sendGuardMs(transport: { timeoutMs?: number }): number {
  return Math.max(MIN_SEND_GUARD_MS, transport.timeoutMs ?? 0);
}

/** True when a send starting at `now` could reach the provider after `expiresAt`. */
export function tooLateToSend(expiresAt: Date, now: Date, guardMs: number): boolean {
  return now.getTime() + guardMs > expiresAt.getTime();
}

/** The jittered wait after `attempts` failures of a row whose lifetime is `lifetimeMs`. */
export function backoffMs(attempts: number, lifetimeMs: number, random: () => number = Math.random): number {
  const step = RETRY_SCHEDULE_SECONDS[Math.min(Math.max(attempts, 1), RETRY_SCHEDULE_SECONDS.length) - 1]!;
  const capMs = Math.max(MIN_RETRY_CAP_SECONDS * 1000, lifetimeMs / 10);
  const base = Math.min(step * 1000, capMs);
  return Math.round(base * (1 + RETRY_JITTER * (2 * random() - 1)));
}

export interface FailedAttempt {
  /** Failed attempts so far, this one included. */
  attempts: number;
  createdAt: Date;
  expiresAt: Date;
  now: Date;
  /** No retry can fix it (the provider refused the message). */
  permanent: boolean;
  /** The provider's Retry-After. */
  retryAfterSeconds?: number;
  /** The provider is still processing a send with this key. */
  inFlight?: boolean;
}

export type RetryPlan = { action: "retry"; at: Date; delayMs: number } | { action: "expire"; reason: string } | { action: "dead"; reason: string };

/** Decides what follows a failed attempt: another one (when), expiry, or death. */
export function planRetry(failure: FailedAttempt, policy: RetryPolicy, guardMs: number): RetryPlan {
  if (failure.permanent) return { action: "dead", reason: "refused by the provider" };
  if (failure.attempts >= policy.maxAttempts) return { action: "dead", reason: `no success in ${failure.attempts} attempts` };
  const backoff = failure.inFlight
    ? Math.round(IN_FLIGHT_RETRY_SECONDS * 1000 * (1 + RETRY_JITTER * (2 * policy.random() - 1)))
    : backoffMs(failure.attempts, failure.expiresAt.getTime() - failure.createdAt.getTime(), policy.random);
  const delayMs = Math.max(backoff, (failure.retryAfterSeconds ?? 0) * 1000);
  const at = new Date(failure.now.getTime() + delayMs);
  if (tooLateToSend(failure.expiresAt, at, guardMs)) {
    const seconds = Math.ceil(delayMs / 1000);
    return { action: "expire", reason: `the next attempt (in ${seconds} s) would fall after the delivery deadline` };
  }
  return { action: "retry", at, delayMs };
}
