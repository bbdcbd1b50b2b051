import { requestPasswordReset, resetPassword, sha256Hex, verifyResetToken, type RequestMeta } from "@rekey/auth";
import { auditEvents, eq, mailboxMessages, passwordResetTokens, users } from "@rekey/db";
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
  TEST_SECRET,
  type CaptureServer,
  type Harness,
  type HarnessOptions,
  type TestDatabase,
} from "./testing";
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

/** A capture server and a harness whose transport is the real Resend SDK pointed at it. */
let database: TestDatabase;

/** A capture server and a harness (over the emptied database) whose transport is the real Resend SDK pointed at it. */
async function setup(options: HarnessOptions = {}, timeoutMs = TIMEOUT_MS): Promise<{ server: CaptureServer; h: Harness }> {
  const server = await startCaptureServer();
  open.push(server);
  watch.track(server);
  const h = createHarness(database.handle, { transport: resendTo(server, timeoutMs), logger: watch.logger, ...options });
  open.push(h);
  return { server, h };
}

describe.each(targets)("embedded worker on $name", (target) => {
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

  it("a reset request produces exactly one email whose link verifies and resets", async () => {
    const { server, h } = await setup();
    const [account] = await h.createAccounts(["mia@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: account!.email }, META);
    await requestPasswordReset(h.deps, { email: "nobody@example.com" }, META); // same work, no email
    const worker = h.jobs.worker!;

    expect(await worker.drain()).toBe(2);
    expect(await worker.drain()).toBe(0);
    expect(server.emails).toHaveLength(1);
    const [request] = server.requests;
    expect(request).toMatchObject({ path: "/emails", authorization: `Bearer ${RESEND_KEY}`, answer: 200 });
    const rows = await rowsOf(h);
    const row = rows.find((r) => r.recipient === account!.email);
    expect(rows.find((r) => r.recipient === "nobody@example.com")).toMatchObject({ recipient: "nobody@example.com", status: "skipped", lastError: "unknown_email" });
    expect(request!.idempotencyKey).toBe(row!.id);
    expect(row).toMatchObject({ status: "sent", attempts: 0, providerMessageId: server.emails[0]!.id });
    expect(server.emails[0]).toMatchObject({ to: account!.email, subject: passwordResetSubject({ appName: "Rekey", locale: "en" }) });

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
    expect(server.requests[1]!.idempotencyKey).toBe(row!.id);
  });

  it("500, then 429 with Retry-After, then a hang past the timeout, then 200: one email, three failed attempts", async () => {
    const { server, h } = await setup();
    await h.createAccounts(["oli@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "oli@example.com" }, META);
    // The 500's message echoes the credential, as a misbehaving proxy might: it must not reach a log or the row.
    server.script({ status: 500, message: `upstream refused Authorization: Bearer ${RESEND_KEY}` }, { status: 429, retryAfter: 90 }, "hang");
    const worker = h.jobs.worker!;
    const row = async () => (await rowsOf(h))[0]!;

    expect(await worker.drain()).toBe(1);
    expect(await row()).toMatchObject({ status: "pending", attempts: 1, lockedUntil: null });
    expect((await row()).lastError).toMatch(/RetryableDeliveryError: resend 500/);
    expect(await worker.drain()).toBe(0); // not due before its backoff (5 s)
    h.clock.advance(5);
    expect(await worker.drain()).toBe(1);
    expect(await row()).toMatchObject({ status: "pending", attempts: 2, lastError: expect.stringContaining("429") });
    h.clock.advance(30); // the backoff alone (30 s) would make it due; Retry-After (90 s) holds it back
    expect(await worker.drain()).toBe(0);
    h.clock.advance(60);
    expect(await worker.drain()).toBe(1);
    expect(await row()).toMatchObject({ status: "pending", attempts: 3, lastError: expect.stringContaining(`timed out after ${TIMEOUT_MS} ms`) });
    h.clock.advance(120);
    expect(await worker.drain()).toBe(1);

    const final = await row();
    expect(final).toMatchObject({ status: "sent", attempts: 3, lastError: null, providerMessageId: server.emails[0]!.id });
    expect(server.requests.map((r) => r.answer)).toEqual([500, 429, "hang", 200]);
    expect(new Set(server.requests.map((r) => r.idempotencyKey))).toEqual(new Set([final.id]));
    expect(server.emails).toHaveLength(1);
    h.clock.advance(86_400);
    expect(await worker.drain()).toBe(0);
    expect(watch.lines.some((line) => line.includes("upstream refused") && line.includes("[redacted]"))).toBe(true);
  });

  it("a worker that dies after Resend accepted, before marking the row sent: the next worker sends no duplicate", async () => {
    const { server, h } = await setup();
    await h.createAccounts(["pia@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "pia@example.com" }, META);
    const accepted = deferred();
    // The crash: after the provider accepted, this worker never runs another line.
    const doomed = new EmbeddedWorker({
      ...h.jobs.deps,
      afterSend: () => {
        accepted.resolve();
        return new Promise<never>(() => {});
      },
    });
    void doomed.drain();
    await accepted.promise;

    const [claimed] = await rowsOf(h);
    expect(claimed).toMatchObject({ status: "pending", attempts: 0 });
    expect(claimed!.lockedUntil!.getTime()).toBeGreaterThan(h.clock().getTime());
    const restarted = h.jobs.worker!;
    expect(await restarted.drain()).toBe(0); // the dead worker's lease still holds
    h.clock.advance(61);
    expect(await restarted.drain()).toBe(1);

    const [row] = await rowsOf(h);
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.idempotencyKey)).toEqual([row!.id, row!.id]);
    expect(server.emails).toHaveLength(1);
    expect(row).toMatchObject({ status: "sent", providerMessageId: server.emails[0]!.id });
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
    expect(row).toMatchObject({ status: "dead", attempts: 1, lastError: expect.stringMatching(/PermanentDeliveryError: resend 422 validation_error/) });
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"));
    expect(audits).toEqual([expect.objectContaining({ reason: "password_reset", subject: "quinn@example.com", details: expect.objectContaining({ outboxId: row!.id, attempts: 1 }) })]);
    h.clock.advance(86_400);
    expect(await h.jobs.worker!.drain()).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("after maxAttempts retryable failures the row is dead and never tried again", async () => {
    const { server, h } = await setup({ worker: { maxAttempts: 3, backoffSeconds: [10, 20] } });
    await h.createAccounts(["rui@example.com"], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email: "rui@example.com" }, META);
    server.script({ status: 500 }, { status: 500 }, { status: 500 });
    const worker = h.jobs.worker!;

    expect(await worker.drain()).toBe(1);
    h.clock.advance(10);
    expect(await worker.drain()).toBe(1);
    expect((await rowsOf(h))[0]).toMatchObject({ status: "pending", attempts: 2 });
    h.clock.advance(20);
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
    const doomed = new EmbeddedWorker({
      ...h.jobs.deps,
      afterSend: () => {
        if (++filed === 2) bothFiled.resolve();
        return new Promise<never>(() => {});
      },
    });
    void doomed.drain();
    await bothFiled.promise;
    h.clock.advance(61);
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
      await resendTo(server).send({ to: "x@example.com", subject: "s", html: "<a href=\"http://rekey.test/reset-password?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde\">x</a>", text: "http://rekey.test/reset-password?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde", idempotencyKey: "probe" });
      probe.logger.info({ link: "token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde" }, "oops");
      probe.logger.warn({ header: `Bearer ${RESEND_KEY}` });
      expect(probe.leaks().map((l) => l.secret).sort()).toEqual(["AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde", RESEND_KEY].sort());
    } finally {
      await server.close();
    }
  });
});
