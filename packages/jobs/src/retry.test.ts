import { describe, expect, it } from "vitest";
import { backoffMs, planRetry, RETRY_SCHEDULE_SECONDS, sendGuardMs, tooLateToSend, type RetryPolicy } from "./retry";

const MINUTE = 60_000;
const at = (ms: number) => new Date(Date.UTC(2026, 0, 15, 8) + ms);
const fixed = (r: number): RetryPolicy => ({ maxAttempts: 50, random: () => r });

describe("backoffMs", () => {
  it("starts within seconds and doubles: 1, 2, 4, 8, 15, 30 s, then is capped at a tenth of the lifetime (≥ 1 min)", () => {
    const link = 10 * MINUTE;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffMs(n, link, () => 0.5))).toEqual([
      1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000, 60_000, 60_000,
    ]);
    const day = 24 * 60 * MINUTE;
    expect([7, 8, 9, 10, 11, 12, 40].map((n) => backoffMs(n, day, () => 0.5) / 1000)).toEqual([60, 120, 300, 600, 1800, 3600, 3600]);
    expect(backoffMs(RETRY_SCHEDULE_SECONDS.length + 5, 2 * MINUTE, () => 0.5)).toBe(MINUTE);
  });

  it("jitters by ±20 %", () => {
    expect(backoffMs(1, 10 * MINUTE, () => 0)).toBe(800);
    expect(backoffMs(1, 10 * MINUTE, () => 0.999_999)).toBe(1_200);
    expect(backoffMs(4, 10 * MINUTE, () => 0)).toBe(6_400);
  });
});

describe("planRetry", () => {
  const base = { createdAt: at(0), expiresAt: at(10 * MINUTE), permanent: false };

  it("schedules the next attempt after the backoff, or after Retry-After when that is longer", () => {
    expect(planRetry({ ...base, attempts: 1, now: at(0) }, fixed(0.5), 1_000)).toEqual({ action: "retry", at: at(1_000), delayMs: 1_000 });
    expect(planRetry({ ...base, attempts: 2, now: at(5_000), retryAfterSeconds: 1 }, fixed(0.5), 1_000)).toMatchObject({ delayMs: 2_000 });
    expect(planRetry({ ...base, attempts: 1, now: at(0), retryAfterSeconds: 30 }, fixed(0), 1_000)).toMatchObject({ delayMs: 30_000 });
  });

  it("retries a send in flight at the provider after about a second, whatever the attempt count", () => {
    expect(planRetry({ ...base, attempts: 9, now: at(0), inFlight: true }, fixed(0.5), 1_000)).toMatchObject({ action: "retry", delayMs: 1_000 });
  });

  it("expires the row when the next attempt (plus the send's guard) would fall after the deadline", () => {
    // After 8 failures the wait is 60 s: a send at deadline − 1 s is the last allowed with a 1 s guard.
    const late = { ...base, attempts: 8, now: at(10 * MINUTE - 60_999) };
    expect(planRetry(late, fixed(0.5), 1_000)).toMatchObject({ action: "expire", reason: expect.stringContaining("in 60 s") });
    expect(planRetry({ ...late, now: at(10 * MINUTE - 61_000) }, fixed(0.5), 1_000)).toMatchObject({ action: "retry" });
    expect(planRetry({ ...late, now: at(10 * MINUTE - 61_000) }, fixed(0.5), 10_000)).toMatchObject({ action: "expire" });
    expect(planRetry({ ...base, attempts: 1, now: at(0), retryAfterSeconds: 600 }, fixed(0.5), 1_000)).toMatchObject({ action: "expire" });
  });

  it("declares the row dead for a permanent failure, or past maxAttempts even with time left", () => {
    expect(planRetry({ ...base, attempts: 1, now: at(0), permanent: true }, fixed(0.5), 1_000)).toMatchObject({ action: "dead" });
    expect(planRetry({ ...base, attempts: 3, now: at(0) }, { maxAttempts: 3, random: () => 0.5 }, 1_000)).toMatchObject({ action: "dead" });
  });
});

describe("the send guard", () => {
  it("is the transport's timeout, at least a second; a send may start only that long before the deadline", () => {
    expect(sendGuardMs({ timeoutMs: 10_000 })).toBe(10_000);
    expect(sendGuardMs({})).toBe(1_000);
    expect(tooLateToSend(at(10_000), at(9_000), 1_000)).toBe(false);
    expect(tooLateToSend(at(10_000), at(9_001), 1_000)).toBe(true);
  });
});
