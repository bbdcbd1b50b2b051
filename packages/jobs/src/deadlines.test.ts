import { requestPasswordReset } from "@rekey/auth";
import { auditEvents, eq, passwordResetTokens, type OutboxRow } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  LeakWatch,
  META,
  openTestDatabase,
  RESEND_KEY,
  resendTo,
  rowsOf,
  startRig,
  TEST_SECRET,
  type Harness,
  type Rig,
  type TestDatabase,
} from "./testing";

const PASSWORD = "Amber-Falcon-Quarry-26";
// The transport's timeout is also how close to its deadline a send may start (never less than 1 s).
const TIMEOUT_MS = 1_000;
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, PASSWORD]);
const targets = await testDatabases();

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  expect(watch.leaks()).toEqual([]);
});

let database: TestDatabase;
const setup = (options: Parameters<typeof startRig>[2] = {}): Promise<Rig> => startRig(database, open, { watch, ...options }, TIMEOUT_MS);

/** An account and its reset request: the one outbox row. */
async function requested(h: Harness, email: string): Promise<OutboxRow> {
  await h.createAccounts([email], PASSWORD);
  await requestPasswordReset(h.deps, { email }, META);
  return (await rowsOf(h))[0]!;
}
const rowNow = async (h: Harness): Promise<OutboxRow> => (await rowsOf(h))[0]!;
/** Milliseconds from the fake clock's now to `at`. */
const inMs = (h: Harness, at: Date): number => at.getTime() - h.clock().getTime();

describe.each(targets)("delivery deadlines on $name", (target) => {
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

  it("500, 429 (Retry-After: 1), 502, then 200: one email within seconds, on the jittered 1, 2, 4 s schedule", async () => {
    const { server, h } = await setup();
    const request = await requested(h, "ola@example.com");
    const start = h.clock().getTime();
    // The 500's message echoes the credential, as a misbehaving proxy might: it must not reach a log or the row.
    server.script({ status: 500, message: `upstream refused Authorization: Bearer ${RESEND_KEY}` }, { status: 429, retryAfter: 1 }, { status: 502 });
    const worker = h.jobs.worker!;

    const expected: [number, RegExp][] = [
      [1_000, /RetryableDeliveryError: resend 500/],
      [2_000, /RetryableDeliveryError: resend 429 rate_limit_exceeded/], // the backoff (2 s ± 20 %) beats Retry-After: 1
      [4_000, /RetryableDeliveryError: resend 502/],
    ];
    for (const [index, [backoff, lastError]] of expected.entries()) {
      expect(await worker.drain()).toBe(1);
      const row = await rowNow(h);
      expect(row).toMatchObject({ status: "pending", attempts: index + 1, lockedUntil: null, lockedBy: null });
      expect(row.lastError).toMatch(lastError);
      const wait = inMs(h, row.nextAttemptAt);
      expect(wait).toBeGreaterThanOrEqual(backoff * 0.8);
      expect(wait).toBeLessThanOrEqual(backoff * 1.2);
      expect(await worker.drain()).toBe(0); // not due before its time
      h.clock.advanceTo(row.nextAttemptAt);
    }
    expect(await worker.drain()).toBe(1);

    const final = await rowNow(h);
    expect(final).toMatchObject({ status: "sent", attempts: 3, lastError: null, providerMessageId: server.emails[0]!.id });
    expect(server.requests.map((r) => r.answer)).toEqual([500, 429, 502, 200]);
    expect(new Set(server.requests.map((r) => r.idempotencyKey))).toEqual(new Set([request.id]));
    expect(server.emails).toHaveLength(1);
    const offsets = server.requests.map((r) => r.at.getTime() - start);
    expect(offsets[0]).toBe(0);
    expect(offsets.at(-1)).toBeLessThanOrEqual(1_200 + 2_400 + 4_800); // at most 8.4 s after the request
    h.clock.advance(86_400);
    expect(await worker.drain()).toBe(0);
    expect(watch.lines.some((line) => line.includes("upstream refused") && line.includes("[redacted]"))).toBe(true);
  });

  it("a Retry-After longer than the backoff is honoured to the second", async () => {
    const { server, h } = await setup();
    await requested(h, "pat@example.com");
    server.script({ status: 429, retryAfter: 7 });
    expect(await h.jobs.worker!.drain()).toBe(1);
    const row = await rowNow(h);
    expect(inMs(h, row.nextAttemptAt)).toBe(7_000);
    h.clock.advance(6.9);
    expect(await h.jobs.worker!.drain()).toBe(0);
    h.clock.advance(0.1);
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(server.requests.map((r) => r.answer)).toEqual([429, 200]);
  });

  it("a provider that keeps failing: retries to the end of the link's life, then expired, and nothing sent after", async () => {
    const { server, h } = await setup();
    const request = await requested(h, "quin@example.com");
    server.script(...Array.from({ length: 100 }, () => ({ status: 500 as const })));
    const worker = h.jobs.worker!;

    let rounds = 0;
    for (; (await rowNow(h)).status === "pending" && rounds < 100; rounds++) {
      h.clock.advanceTo((await rowNow(h)).nextAttemptAt);
      expect(await worker.drain()).toBe(1);
    }
    const row = await rowNow(h);
    expect(row).toMatchObject({ status: "expired", lockedUntil: null });
    expect(row.lastError).toMatch(
      /^the next attempt \(in \d+ s\) would fall after the delivery deadline \(last error: RetryableDeliveryError: resend 500/,
    );
    // Every send started at least the transport's timeout before the link expired, and they kept coming
    // (waits capped at a minute) until the last minute or so of its life.
    const expiresAt = request.expiresAt.getTime();
    const sends = server.requests.map((r) => r.at.getTime());
    expect(sends.every((at) => at + TIMEOUT_MS <= expiresAt)).toBe(true);
    expect(sends.at(-1)).toBeGreaterThan(expiresAt - 75_000);
    expect(sends.length).toBe(row.attempts);
    expect(sends.length).toBeGreaterThanOrEqual(12);
    expect(sends.length).toBeLessThanOrEqual(20);
    // The minted link expires with the row: the one stored deadline.
    const [token] = await h.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.outboxId, request.id));
    expect(token!.expiresAt).toEqual(request.expiresAt);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.expired"));
    expect(audits).toEqual([
      expect.objectContaining({
        reason: "password_reset",
        subject: "quin@example.com",
        details: expect.objectContaining({ outboxId: request.id, attempts: row.attempts }),
      }),
    ]);

    h.clock.advance(86_400);
    expect(await worker.drain()).toBe(0);
    expect(server.requests).toHaveLength(sends.length);
    expect(server.emails).toHaveLength(0);
  });

  it("a Retry-After that reaches past the deadline expires the row at once", async () => {
    const { server, h } = await setup();
    await requested(h, "rae@example.com");
    server.script({ status: 429, retryAfter: 900 });
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(await rowNow(h)).toMatchObject({
      status: "expired",
      attempts: 1,
      lastError: expect.stringMatching(/^the next attempt \(in 900 s\) would fall after/),
    });
    h.clock.advance(901);
    expect(await h.jobs.worker!.drain()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("a row whose deadline passed while it waited (no worker ran) is expired, not sent; so is one too close to it", async () => {
    const { server, h } = await setup();
    const late = await requested(h, "sol@example.com");
    h.clock.advance(601);
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(await rowNow(h)).toMatchObject({
      id: late.id,
      status: "expired",
      attempts: 0,
      lastError: "the delivery deadline passed before the attempt",
    });

    await database.reset();
    const close = await requested(h, "tam@example.com");
    h.clock.advanceTo(new Date(close.expiresAt.getTime() - TIMEOUT_MS + 1)); // a send now could finish after it
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(await rowNow(h)).toMatchObject({ status: "expired", attempts: 0 });
    expect(server.requests).toHaveLength(0);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.expired"))).toHaveLength(1);
  });

  it("Resend's 409 invalid_idempotent_request (the key was used with another body): the row is sent, no retry", async () => {
    const { server, h } = await setup();
    const request = await requested(h, "uli@example.com");
    // An earlier attempt, rendered differently (before a deploy), was accepted but its answer never came back.
    const earlier = await resendTo(server).send({
      to: "uli@example.com",
      subject: "Old subject",
      html: "<p>old</p>",
      text: "old",
      idempotencyKey: request.id,
    });
    expect(earlier.ok).toBe(true);

    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(await rowNow(h)).toMatchObject({ status: "sent", attempts: 0, providerMessageId: null, lastError: null, lockedUntil: null });
    expect(server.requests.map((r) => r.answer)).toEqual([200, 409]);
    h.clock.advance(86_400);
    expect(await h.jobs.worker!.drain()).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(server.emails).toHaveLength(1);
  });

  it("Resend's 409 concurrent_idempotent_requests (same key in flight): retried within a second or two, even late in the schedule", async () => {
    const { server, h } = await setup();
    await requested(h, "val@example.com");
    server.script({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 409 });
    const worker = h.jobs.worker!;
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await worker.drain()).toBe(1);
      const row = await rowNow(h);
      expect(row).toMatchObject({ status: "pending", attempts: attempt });
      if (attempt === 5) {
        // After four failures the backoff says 15 s; a send in flight settles sooner.
        expect(row.lastError).toMatch(/concurrent_idempotent_requests/);
        expect(inMs(h, row.nextAttemptAt)).toBeGreaterThanOrEqual(800);
        expect(inMs(h, row.nextAttemptAt)).toBeLessThanOrEqual(1_200);
      }
      h.clock.advanceTo(row.nextAttemptAt);
    }
    expect(await worker.drain()).toBe(1);
    expect(await rowNow(h)).toMatchObject({ status: "sent", attempts: 5 });
    expect(server.emails).toHaveLength(1);
  });
});
