import { randomUUID } from "node:crypto";
import { requestPasswordReset, resetPassword, signIn, verifyResetToken } from "@rekey/auth";
import { auditEvents, emailOutbox, eq, passwordResetTokens, type OutboxRow } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { passwordChangedSubject, passwordResetSubject } from "@rekey/email";
import type { Inngest } from "inngest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobDeps } from "../deliver";
import { EVENT_FOR_KIND } from "../events";
import {
  APP_URL,
  createHarness,
  fakeClock,
  LeakWatch,
  META,
  openTestDatabase,
  RESEND_KEY,
  resendTo,
  resetLinkIn,
  startCaptureServer,
  TEST_SECRET,
  type CaptureServer,
  type Harness,
  type TestDatabase,
} from "../testing";
import { engineFor, EVENT_KEY, testInngest } from "../testing/inngest";
import { createFunctions, handleEmailFailure } from "./index";
import { STUCK_AFTER_SECONDS } from "./sweep-outbox";

const OLD_PASSWORD = "Tangerine-Harbor-41";
const NEW_PASSWORD = "Quiet-Lantern-Meadow-93";
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, OLD_PASSWORD, NEW_PASSWORD]);
const targets = await testDatabases();

afterEach(() => {
  expect(watch.leaks()).toEqual([]);
});

describe("event payloads", () => {
  it.each(Object.entries(EVENT_FOR_KIND))("%s events built by create() carry the outbox id and nothing else", async (_kind, type) => {
    const outboxId = randomUUID();
    const event = type.create({ outboxId }, { id: outboxId });
    await expect(event.validate()).resolves.toBeUndefined();
    expect(event.data).toEqual({ outboxId });
    const wire = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
    expect(Object.keys(wire).sort()).toEqual(["data", "id", "name"]);
    // Anything more than the id (an address, a token) is refused before it could be sent.
    const leaky = type.create({ outboxId, token: "x".repeat(43), email: "a@example.com" } as never, { id: outboxId });
    await expect(leaky.validate()).rejects.toThrow();
  });
});

describe.each(targets)("Inngest functions on $name", (target) => {
  let database: TestDatabase;
  let server: CaptureServer;
  let h: Harness;
  let inngest: Inngest;
  let deps: JobDeps;

  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());

  beforeEach(async () => {
    await database.reset();
    const clock = fakeClock();
    server = await startCaptureServer({ clock });
    watch.track(server);
    h = createHarness(database.handle, { transport: resendTo(server), logger: watch.logger, clock });
    ({ inngest } = testInngest(server, watch));
    deps = h.jobs.deps;
  });

  afterEach(async () => {
    await h.close();
    await server.close();
  });

  /** The functions as served, over `getDeps` (by default the harness's: real transport to the capture server). */
  const functions = (getDeps: () => Promise<JobDeps> = async () => deps) => {
    const [reset, changed, sweep, purge] = createFunctions(inngest, getDeps);
    return { reset: reset!, changed: changed!, sweep: sweep!, purge: purge! };
  };
  const resetEvent = (outboxId: string) => ({ name: EVENT_FOR_KIND.password_reset.name, data: { outboxId } });
  const changedEvent = (outboxId: string) => ({ name: EVENT_FOR_KIND.password_changed.name, data: { outboxId } });
  const row = async (id: string): Promise<OutboxRow> => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;
  const requestFor = async (email: string): Promise<OutboxRow> => {
    await requestPasswordReset(h.deps, { email }, META);
    const rows = await h.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, email));
    return rows.at(-1)!;
  };

  it("the reset function sends exactly one email whose link verifies and resets; the changed function follows", async () => {
    const [account] = await h.createAccounts(["ada@example.com"], OLD_PASSWORD);
    const request = await requestFor(account!.email);
    const fns = functions();

    const first = await engineFor(fns.reset, resetEvent(request.id)).execute();
    expect(first.error).toBeUndefined();
    expect(server.emails).toHaveLength(1);
    const email = server.emails[0]!;
    expect(first.result).toEqual({ status: "sent", providerMessageId: email.id });
    expect(email).toMatchObject({
      to: account!.email,
      idempotencyKey: request.id,
      subject: passwordResetSubject({ appName: "Rekey", locale: "en" }),
    });
    expect(server.requests[0]!.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(await row(request.id)).toMatchObject({ status: "sent", providerMessageId: email.id, attempts: 0 });

    // The same event again (a redelivery): no second email.
    const again = await engineFor(fns.reset, resetEvent(request.id)).execute();
    expect(again.result).toEqual({ status: "done-before", rowStatus: "sent" });
    expect(server.requests).toHaveLength(1);

    const { link, token } = resetLinkIn(email);
    expect(link.startsWith(`${APP_URL}/reset-password?token=`)).toBe(true);
    await expect(verifyResetToken(h.deps, { token }, META)).resolves.toMatchObject({ username: account!.username, maskedEmail: "a***@example.com" });
    await resetPassword(h.deps, { token, new_password: NEW_PASSWORD }, META);
    await expect(signIn(h.deps, { account: account!.email, password: NEW_PASSWORD }, "web", META)).resolves.toMatchObject({
      user: { id: account!.id },
    });

    const [changedRow] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.kind, "password_changed"));
    const changed = await engineFor(fns.changed, changedEvent(changedRow!.id)).execute();
    expect(changed.error).toBeUndefined();
    expect(server.emails).toHaveLength(2);
    expect(server.emails[1]).toMatchObject({
      to: account!.email,
      idempotencyKey: changedRow!.id,
      subject: passwordChangedSubject({ appName: "Rekey", locale: "en" }),
    });
  });

  it("handleEmailFailure (the onFailure body) marks a pending row dead with its last error, once", async () => {
    await h.createAccounts(["ed@example.com"], OLD_PASSWORD);
    const request = await requestFor("ed@example.com");
    const getDeps = async () => deps;

    await handleEmailFailure(getDeps, request.id, new Error("resend 500 internal_server_error: still failing"));
    expect(await row(request.id)).toMatchObject({
      status: "dead",
      lastError: "Error: resend 500 internal_server_error: still failing",
      lockedUntil: null,
    });
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"));
    expect(audits).toEqual([expect.objectContaining({ reason: "password_reset", details: expect.objectContaining({ outboxId: request.id }) })]);

    // A second failure report (or one for a row already sent) changes nothing.
    await handleEmailFailure(getDeps, request.id, new Error("other"));
    await handleEmailFailure(getDeps, undefined, new Error("no id"));
    expect(await row(request.id)).toMatchObject({ status: "dead", lastError: "Error: resend 500 internal_server_error: still failing" });
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"))).toHaveLength(1);
  });

  it("the sweeper re-sends the event of a row stuck in pending, and only that row; it expires rows past their deadline", async () => {
    await h.createAccounts(["fi@example.com", "gu@example.com", "ha@example.com", "ho@example.com"], OLD_PASSWORD);
    const overdue = await requestFor("ho@example.com");
    h.clock.advance(600 - STUCK_AFTER_SECONDS);
    const stuck = await requestFor("fi@example.com");
    const sent = await requestFor("gu@example.com");
    await engineFor(functions().reset, resetEvent(sent.id)).execute();
    h.clock.advance(STUCK_AFTER_SECONDS + 1);
    await requestFor("ha@example.com");

    const { result, error } = await engineFor(functions().sweep).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ redispatched: 1, expired: 1 });
    expect(await row(overdue.id)).toMatchObject({ status: "expired", lastError: "the delivery deadline passed while the row waited" });
    expect(server.events).toEqual([
      { key: EVENT_KEY, event: expect.objectContaining({ name: EVENT_FOR_KIND.password_reset.name, id: stuck.id, data: { outboxId: stuck.id } }) },
    ]);
    expect(server.emails).toHaveLength(1);
  });

  it("the purge function deletes expired tokens and finished rows, and keeps live ones", async () => {
    await h.createAccounts(["ix@example.com", "jo@example.com", "ku@example.com"], OLD_PASSWORD);
    const oldSent = await requestFor("ix@example.com");
    await engineFor(functions().reset, resetEvent(oldSent.id)).execute();
    const oldPending = await requestFor("jo@example.com");
    h.clock.advance(31 * 86_400);
    const recent = await requestFor("ku@example.com");
    await engineFor(functions().reset, resetEvent(recent.id)).execute();
    expect(await h.db.select().from(passwordResetTokens)).toHaveLength(2);

    const { result, error } = await engineFor(functions().purge).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ tokens: 1, outbox: 1 });
    const tokens = await h.db.select().from(passwordResetTokens);
    expect(tokens.map((t) => t.outboxId)).toEqual([recent.id]);
    const left = await h.db.select({ id: emailOutbox.id }).from(emailOutbox);
    expect(left.map((r) => r.id).sort()).toEqual([oldPending.id, recent.id].sort());
  });

  it("in Inngest mode a request dispatches one event, carrying only the outbox id, to the event API", async () => {
    const inngestMode = createHarness(database.handle, {
      env: { INNGEST_BASE_URL: server.url, INNGEST_EVENT_KEY: EVENT_KEY },
      transport: resendTo(server),
      logger: watch.logger,
    });
    try {
      expect(inngestMode.jobs.mode).toBe("inngest");
      await inngestMode.createAccounts(["lu@example.com"], OLD_PASSWORD);
      await requestPasswordReset(inngestMode.deps, { email: "lu@example.com" }, META);
      await requestPasswordReset(inngestMode.deps, { email: "nobody@example.com" }, META);
      const rows = await inngestMode.db.select().from(emailOutbox);
      // `dispatch` does not block the request: wait (bounded) for the events to arrive.
      await vi.waitFor(() => expect(server.events).toHaveLength(2), { timeout: 5_000, interval: 20 });
      for (const { key, event } of server.events) {
        expect(key).toBe(EVENT_KEY);
        expect(Object.keys(event.data as object)).toEqual(["outboxId"]);
        expect(event).toMatchObject({ name: EVENT_FOR_KIND.password_reset.name, id: (event.data as { outboxId: string }).outboxId });
      }
      expect(server.events.map((e) => e.event.id).sort()).toEqual(rows.map((r) => r.id).sort());
      expect(JSON.stringify(server.events)).not.toContain("@example.com");
      expect(server.emails).toHaveLength(0);
    } finally {
      await inngestMode.close();
    }
  });
});

describe("log capture", () => {
  it("saw the flows above and holds no token, password, AUTH_SECRET or API key", () => {
    expect(watch.lines.length).toBeGreaterThan(10);
    expect(watch.lines.some((line) => line.includes("email accepted by Resend (id "))).toBe(true);
    expect(watch.leaks()).toEqual([]);
  });
});
