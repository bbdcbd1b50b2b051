import { requestPasswordReset, resetPassword, sha256Hex, verifyResetToken, type RequestMeta } from "@rekey/auth";
import { auditEvents, emailOutbox, eq, mailboxMessages, passwordResetTokens, users } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { passwordChangedSubject, passwordResetSubject } from "@rekey/email";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createHarness,
  LeakWatch,
  META,
  deferred,
  openTestDatabase,
  RESEND_KEY,
  resendTo,
  resetLinkIn,
  rowsOf,
  startCaptureServer,
  startRig,
  TEST_SECRET,
  type Rig,
  type HarnessOptions,
  type TestDatabase,
} from "./testing";
import { claimDue } from "./lease";
import { EmbeddedWorker } from "./worker";

const OLD_PASSWORD = "Copper-Violet-Orchard-17";
const NEW_PASSWORD = "Marble-Sparrow-Canyon-58";
// Long enough that a loaded machine never turns a real answer into a timeout; the hang costs this once.
const TIMEOUT_MS = 1_000;
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, OLD_PASSWORD, NEW_PASSWORD]);
const targets = await testDatabases();

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  expect(watch.leaks()).toEqual([]);
});

let database: TestDatabase;

/** A capture server and a harness (over the emptied database) whose transport is the real Resend SDK pointed at it. */
const setup = (options: HarnessOptions = {}, timeoutMs = TIMEOUT_MS): Promise<Rig> => startRig(database, open, { watch, ...options }, timeoutMs);

describe.each(targets)("embedded worker on $name", (target) => {
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

  it("with PASSWORD_RESET_NOTIFY_UNKNOWN=1 an address with no account gets a short notice with no link or code", async () => {
    const { server, h } = await setup({ env: { PASSWORD_RESET_NOTIFY_UNKNOWN: "1" } });
    const [account] = await h.createAccounts(["kit@example.com"], OLD_PASSWORD);
    const known = await requestPasswordReset(h.deps, { email: account!.email }, META);
    const unknown = await requestPasswordReset(h.deps, { email: "nobody@example.com" }, META);
    // The same answer for both: the notice is decided by the email job, after the answer.
    expect(Object.keys(unknown)).toEqual(Object.keys(known));
    expect(await h.jobs.worker!.drain()).toBe(2);

    const notice = server.emails.find((email) => email.to === "nobody@example.com");
    expect(notice, "one notice to the unknown address").toBeDefined();
    expect(notice!.text).toContain("no Rekey account uses it");
    expect(notice!.text).not.toMatch(/https?:\/\/|\d{4} ?\d{4}/);
    expect(server.emails.filter((email) => email.to === account!.email)).toHaveLength(1);
    expect((await rowsOf(h)).find((r) => r.recipient === "nobody@example.com")).toMatchObject({ status: "sent" });
  });

  it("a reset request produces exactly one email whose link verifies and resets", async () => {
    const { server, h } = await setup();
    const [account] = await h.createAccounts(["mia@example.com"], OLD_PASSWORD);
    const answer = await requestPasswordReset(h.deps, { email: account!.email }, META);
    await requestPasswordReset(h.deps, { email: "nobody@example.com" }, META); // same work, no email
    const worker = h.jobs.worker!;

    expect(await worker.drain()).toBe(2);
    expect(await worker.drain()).toBe(0);
    expect(server.emails).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ path: "/emails", authorization: `Bearer ${RESEND_KEY}`, answer: 200 });
    const rows = await rowsOf(h);
    const row = rows.find((r) => r.recipient === account!.email);
    expect(rows.find((r) => r.recipient === "nobody@example.com")).toMatchObject({
      recipient: "nobody@example.com",
      status: "skipped",
      lastError: "unknown_email",
    });
    const unknownRow = rows.find((r) => r.recipient === "nobody@example.com")!;
    const notSent = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "password_reset.not_sent"));
    expect(notSent, "why no email went, for the operator").toMatchObject([
      { reason: "unknown_email", subject: "nobody@example.com", ip: META.ip, userAgent: META.userAgent, details: { outboxId: unknownRow.id } },
    ]);
    expect(unknownRow).toMatchObject({ lockedBy: null, lockedUntil: null });
    expect(request!.idempotencyKey).toBe(row!.id);
    expect(row).toMatchObject({ status: "sent", attempts: 0, providerMessageId: server.emails[0]!.id, lockedUntil: null, lockedBy: null });
    expect(server.emails[0]).toMatchObject({ to: account!.email, subject: passwordResetSubject({ appName: "Rekey", locale: "en" }) });
    // One deadline, stored once: the row's is the link's expiry (request time + PASSWORD_RESET_TTL_SECONDS).
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(600_000);
    expect(answer.expiresAt).toEqual(row!.expiresAt);
    const [minted] = await h.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.outboxId, row!.id));
    expect(minted!.expiresAt).toEqual(row!.expiresAt);

    const { token } = resetLinkIn(server.emails[0]!);
    await expect(verifyResetToken(h.deps, { token }, META)).resolves.toMatchObject({ username: account!.username });
    await resetPassword(h.deps, { token, new_password: NEW_PASSWORD }, META);
    await expect(verifyResetToken(h.deps, { token }, META)).rejects.toMatchObject({ code: "TOKEN_INVALID" });
  });

  it("a password reset produces the 'password changed' email, with where it came from", async () => {
    const { server, h } = await setup();
    const [account] = await h.createAccounts(["noa@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: account!.email }, META);
    await h.jobs.worker!.drain();
    const { token } = resetLinkIn(server.emails[0]!);
    const resetMeta: RequestMeta = { ip: "203.0.113.77", userAgent: "Firefox/140.0 (changed-mail check)", locale: "en" };

    await resetPassword(h.deps, { token, new_password: NEW_PASSWORD }, resetMeta);
    expect(await h.jobs.worker!.drain()).toBe(1);

    expect(server.emails).toHaveLength(2);
    const changed = server.emails[1]!;
    expect(changed).toMatchObject({ to: account!.email, subject: passwordChangedSubject({ appName: "Rekey", locale: "en" }) });
    expect(changed.text).toContain("203.0.113.77");
    expect(changed.text).toContain("Firefox/140.0 (changed-mail check)");
    expect(`${changed.html}${changed.text}`).not.toContain("reset-password?token=");
    const [row] = await rowsOf(h, "password_changed");
    expect(row).toMatchObject({ status: "sent", userId: account!.id });
    // No link expires in it, and it is the warning after a takeover: a day to get through.
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(86_400_000);
    expect(server.requests[1]!.idempotencyKey).toBe(row!.id);
  });

  it("200 requests in a burst, drained by two workers at once: 200 emails, no duplicates, none lost", async () => {
    // All 200 share one thread with PGlite and the renderer: give sends the product's default timeout.
    const { server, h } = await setup({}, 10_000);
    const addresses = Array.from({ length: 200 }, (_, i) => `burst${String(i).padStart(3, "0")}@example.com`);
    await h.createAccounts(addresses, OLD_PASSWORD);
    await Promise.all(addresses.map((email) => requestPasswordReset(h.deps, { email }, META)));
    expect(await rowsOf(h)).toHaveLength(200);

    const second = new EmbeddedWorker(h.jobs.deps);
    const [a, b] = await Promise.all([h.jobs.worker!.drain(), second.drain()]);
    expect(a + b).toBe(200);
    if (h.driver === "postgres") expect(Math.min(a, b)).toBeGreaterThan(0); // both really worked, side by side

    expect(server.requests).toHaveLength(200); // no row was sent twice, not even idempotently
    expect(server.emails).toHaveLength(200);
    expect(server.emails.map((e) => e.to).sort()).toEqual(addresses);
    const rows = await rowsOf(h);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 0)).toBe(true);
    expect(new Set(server.emails.map((e) => e.idempotencyKey))).toEqual(new Set(rows.map((r) => r.id)));
    // Every link belongs to the account and the request it was sent for.
    const minted = await h.db
      .select({ hash: passwordResetTokens.tokenHash, outboxId: passwordResetTokens.outboxId, email: users.email })
      .from(passwordResetTokens)
      .innerJoin(users, eq(users.id, passwordResetTokens.userId));
    const byHash = new Map(minted.map((m) => [m.hash, m]));
    for (const email of server.emails) {
      expect(byHash.get(sha256Hex(resetLinkIn(email).token))).toEqual({ hash: expect.any(String), outboxId: email.idempotencyKey, email: email.to });
    }
    const { token } = resetLinkIn(server.emails[199]!);
    await expect(verifyResetToken(h.deps, { token }, META)).resolves.toMatchObject({ username: server.emails[199]!.to.toString().split("@")[0] });
  });

  it("a 422 validation error: dead after one attempt, with an email.dead audit event", async () => {
    const { server, h } = await setup();
    await h.createAccounts(["quinn@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "quinn@example.com" }, META);
    server.script({ status: 422, message: "Invalid `to` field." });

    expect(await h.jobs.worker!.drain()).toBe(1);
    const [row] = await rowsOf(h);
    expect(row).toMatchObject({
      status: "dead",
      attempts: 1,
      lastError: expect.stringMatching(/PermanentDeliveryError: resend 422 validation_error/),
    });
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"));
    expect(audits).toEqual([
      expect.objectContaining({
        reason: "password_reset",
        subject: "quinn@example.com",
        details: expect.objectContaining({ outboxId: row!.id, attempts: 1 }),
      }),
    ]);
    h.clock.advance(86_400);
    expect(await h.jobs.worker!.drain()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("after maxAttempts retryable failures the row is dead (a safety net inside the deadline) and never tried again", async () => {
    const { server, h } = await setup({ worker: { maxAttempts: 3 } });
    await h.createAccounts(["rui@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "rui@example.com" }, META);
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    const worker = h.jobs.worker!;

    expect(await worker.drain()).toBe(1);
    h.clock.advanceTo((await rowsOf(h))[0]!.nextAttemptAt);
    expect(await worker.drain()).toBe(1);
    expect((await rowsOf(h))[0]).toMatchObject({ status: "pending", attempts: 2 });
    h.clock.advanceTo((await rowsOf(h))[0]!.nextAttemptAt);
    expect(await worker.drain()).toBe(1);

    const [row] = await rowsOf(h);
    expect(row).toMatchObject({ status: "dead", attempts: 3, lastError: expect.stringContaining("resend 500") });
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"))).toHaveLength(1);
    h.clock.advance(86_400);
    expect(await worker.drain()).toBe(0);
    expect(server.requests).toHaveLength(3);
    expect(server.emails).toHaveLength(0);
  });

  it("without RESEND_API_KEY, mail goes to the mailbox: one message per outbox row even when delivery runs twice", async () => {
    const h = createHarness(database.handle, { logger: watch.logger });
    open.push(h);
    await h.createAccounts(["sam@example.com", "tea@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "sam@example.com" }, META);
    await requestPasswordReset(h.deps, { email: "tea@example.com" }, META);
    let filed = 0;
    const bothFiled = deferred();
    // Its renewals never come (the process froze, or was killed): the lease lapses after 10 s.
    const doomed = new EmbeddedWorker(
      {
        ...h.jobs.deps,
        afterSend: () => {
          if (++filed === 2) bothFiled.resolve();
          return new Promise<never>(() => {});
        },
      },
      { renewEveryMs: 3_600_000 },
    );
    void doomed.drain();
    await bothFiled.promise;
    h.clock.advance(10);
    expect(await h.jobs.worker!.drain()).toBe(2); // the second delivery of both rows

    const rows = await rowsOf(h);
    const messages = await h.db.select().from(mailboxMessages);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(messages.map((m) => m.idempotencyKey).sort()).toEqual(rows.map((r) => r.id).sort());
    for (const message of messages) watch.secret(resetLinkIn(message).token);
    const { token } = resetLinkIn(messages.find((m) => m.to === "sam@example.com")!);
    await expect(verifyResetToken(h.deps, { token }, META)).resolves.toMatchObject({ username: "sam" });
  });

  it("with the real clock, a started worker sends a new request's email at once, not at its next poll", async () => {
    const { server, h } = await setup({ realClock: true, worker: { pollMs: 60_000 } });
    await h.createAccounts(["uma@example.com"], OLD_PASSWORD);
    h.jobs.worker!.start();
    const started = performance.now();
    await requestPasswordReset(h.deps, { email: "uma@example.com" }, META);
    await vi.waitFor(() => expect(server.emails).toHaveLength(1), { timeout: 1_000, interval: 5 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(1_000);
    expect(server.emails[0]!.to).toBe("uma@example.com");
    await vi.waitFor(async () => expect((await rowsOf(h))[0]!.status).toBe("sent"), { timeout: 1_000, interval: 5 });
  });

  it("a row that turns up while a claim is under way is sent at once, not after the sends in flight", async () => {
    // The wake for a row committed after a claim's snapshot arrives while that claim runs, when no drain is
    // waiting to be nudged. Staged with the clock: bob's row exists but is not due until the empty claim
    // returns, and its wake lands then.
    let stage: (() => void) | undefined;
    const pacer = { allowance: () => Infinity, took: (rows: number) => (rows === 0 ? stage?.() : undefined) };
    const { server, h } = await setup({ worker: { pollMs: 60_000, pacer } }, 4_000);
    await h.createAccounts(["ann@example.com", "bob@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "bob@example.com" }, META);
    await h.db.update(emailOutbox).set({ nextAttemptAt: new Date(h.clock().getTime() + 5_000) });
    await requestPasswordReset(h.deps, { email: "ann@example.com" }, META);
    server.script("hang"); // ann's send stays in flight for 4 s
    const worker = h.jobs.worker!;
    stage = () => {
      stage = undefined;
      h.clock.advance(6); // less than the lease on ann's row
      // What the host's wake does on the worker's tick (`wake()` would only get there on the next one).
      worker["round"]();
    };
    worker.start();
    await vi.waitFor(() => expect(server.emails.map((e) => e.to)).toEqual(["bob@example.com"]), { timeout: 2_000, interval: 10 });
    expect(server.requests.map((r) => r.answer)).toEqual(["hang", 200]);
  });

  it("a row that turns up during a round that fails is sent at once, not at the next poll", async () => {
    let stage: (() => void) | undefined;
    const pacer = { allowance: () => Infinity, took: (rows: number) => (rows === 0 ? stage?.() : undefined) };
    const { server, h } = await setup({ worker: { pollMs: 60_000, pacer } });
    await h.createAccounts(["cat@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "cat@example.com" }, META);
    await h.db.update(emailOutbox).set({ nextAttemptAt: new Date(h.clock().getTime() + 5_000) });
    const worker = h.jobs.worker!;
    stage = () => {
      stage = undefined;
      h.clock.advance(6);
      worker["round"]();
      throw new Error("the database went away mid-round"); // the round fails after the wake was counted
    };
    worker.start();
    await vi.waitFor(() => expect(server.emails.map((e) => e.to)).toEqual(["cat@example.com"]), { timeout: 2_000, interval: 10 });
    expect(watch.lines.some((line) => line.includes("outbox worker round failed"))).toBe(true);
  });

  it("with the real clock, a retry a second later is made a second later, not at the next poll", async () => {
    const { server, h } = await setup({ realClock: true, worker: { pollMs: 60_000 } });
    await h.createAccounts(["vic@example.com"], OLD_PASSWORD);
    server.script({ status: 500 });
    h.jobs.worker!.start();
    const started = performance.now();
    await requestPasswordReset(h.deps, { email: "vic@example.com" }, META);
    await vi.waitFor(() => expect(server.emails).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const elapsed = performance.now() - started;
    expect(server.requests.map((r) => r.answer)).toEqual([500, 200]);
    // The first retry is due 0.8 to 1.2 s after the failure; the worker sleeps until then.
    const gap = server.requests[1]!.at.getTime() - server.requests[0]!.at.getTime();
    expect(gap).toBeGreaterThanOrEqual(790);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("with the real clock, a started worker takes over a dead worker's row when its lease ends, not at its next poll", async () => {
    const { server, h } = await setup({ realClock: true, worker: { pollMs: 60_000, leaseSeconds: 1 } });
    await h.createAccounts(["wes@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "wes@example.com" }, META);
    // Another process claimed the row, then was killed: nothing renews or releases its claim.
    const dead = await claimDue(h.db, h.clock(), { leaseMs: 1_000, limit: 10 });
    expect(dead.rows).toHaveLength(1);
    const claimedAt = performance.now();
    h.jobs.worker!.start();
    await vi.waitFor(() => expect(server.emails).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const elapsed = performance.now() - claimedAt;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(3_000);
    expect(server.requests).toHaveLength(1);
  });
});

describe("no secrets in logs", () => {
  it("the captured log lines of every flow above hold no token, password, AUTH_SECRET or API key", () => {
    expect(watch.lines.length).toBeGreaterThan(20);
    expect(watch.lines.some((line) => line.includes("email not accepted"))).toBe(true);
    expect(watch.leaks()).toEqual([]);
  });

  it("the check itself catches a leaked token", async () => {
    const probe = new LeakWatch([RESEND_KEY]);
    const server = await startCaptureServer();
    try {
      probe.track(server);
      await resendTo(server).send({
        to: "x@example.com",
        subject: "s",
        html: '<a href="http://rekey.test/reset-password?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde">x</a>',
        text: "http://rekey.test/reset-password?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde",
        idempotencyKey: "probe",
      });
      probe.logger.info({ link: "token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde" }, "oops");
      probe.logger.warn({ header: `Bearer ${RESEND_KEY}` });
      expect(
        probe
          .leaks()
          .map((l) => l.secret)
          .sort(),
      ).toEqual(["AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde", RESEND_KEY].sort());
    } finally {
      await server.close();
    }
  });
});
