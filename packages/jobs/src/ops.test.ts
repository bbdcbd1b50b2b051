import { requestPasswordReset, resetPassword } from "@rekey/auth";
import { auditEvents, emailOutbox, eq } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { passwordChangedSubject } from "@rekey/email";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { EVENT_FOR_KIND } from "./events";
import { NOTICE_REQUEUE_MS, outboxOverview, requeueDead } from "./ops";
import { markDead } from "./outbox";
import { createHarness, META, openTestDatabase, resetLinkIn, rowsOf, startCaptureServer, startRig, type Rig, type TestDatabase } from "./testing";

const PASSWORD = "Copper-Violet-Orchard-17";
const targets = await testDatabases();
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** The id of the one row `recipient` has (of `kind`). */
async function idOf(rig: Rig, recipient: string, kind: "password_reset" | "password_changed" = "password_reset"): Promise<string> {
  const rows = (await rowsOf(rig.h, kind)).filter((row) => row.recipient === recipient);
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

/**
 * One row in each state, a second apart, through the real worker and a scripted provider: expired (its
 * deadline passed while it waited), sent, skipped (no account), dead (422), retrying (429, Retry-After 30 s),
 * pending (not yet tried).
 */
async function everyState(rig: Rig) {
  const { h, server } = rig;
  const worker = h.jobs.worker!;
  await h.createAccounts(["dora@example.com", "sam@example.com", "dave@example.com", "rita@example.com", "pia@example.com"], PASSWORD);
  await requestPasswordReset(h.deps, { email: "dora@example.com" }, META);
  h.clock.advance(601);
  await worker.drain();
  h.clock.advance(1);
  await requestPasswordReset(h.deps, { email: "sam@example.com" }, META);
  await requestPasswordReset(h.deps, { email: "nobody@example.com" }, META);
  await worker.drain();
  h.clock.advance(1);
  await requestPasswordReset(h.deps, { email: "dave@example.com" }, META);
  server.script({ status: 422, message: "Invalid `to` field." });
  await worker.drain();
  h.clock.advance(1);
  await requestPasswordReset(h.deps, { email: "rita@example.com" }, META);
  server.script({ status: 429, retryAfter: 30 });
  await worker.drain();
  h.clock.advance(1);
  await requestPasswordReset(h.deps, { email: "pia@example.com" }, META);
  h.clock.advance(2);
}

describe.each(targets)("the outbox as an operator sees it, on $name", (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

  it("counts every state and lists what waits or went wrong, newest first, masked, with reason and age", async () => {
    const rig = await startRig(database, open);
    await everyState(rig);
    const overview = await outboxOverview(rig.h.deps);
    expect(overview.counts).toEqual({ pending: 1, retrying: 1, sent: 1, skipped: 1, dead: 1, expired: 1 });
    expect(overview.rows.map((row) => [row.state, row.recipient])).toEqual([
      ["pending", "p***@example.com"],
      ["retrying", "r***@example.com"],
      ["dead", "d***@example.com"],
      ["expired", "d***@example.com"],
    ]);
    const [pending, retrying, dead, expired] = overview.rows;
    expect(pending).toMatchObject({
      kind: "password_reset",
      attempts: 0,
      age_seconds: 2,
      next_attempt_in_seconds: 0,
      deadline_in_seconds: 598,
      reason: null,
    });
    expect(retrying).toMatchObject({ attempts: 1, age_seconds: 3, next_attempt_in_seconds: 27, reason: expect.stringContaining("429") });
    expect(dead).toMatchObject({ attempts: 1, age_seconds: 4, next_attempt_in_seconds: null, reason: expect.stringContaining("422") });
    expect(expired).toMatchObject({ attempts: 0, age_seconds: 607, deadline_in_seconds: -7, reason: expect.stringContaining("deadline") });
    expect(overview.oldest_pending_seconds).toBe(3);
    expect(JSON.stringify(overview)).not.toMatch(/(dora|dave|rita|pia)@/);
  });

  it("narrows to one state, and the limit counts rows of that state only", async () => {
    const rig = await startRig(database, open);
    await everyState(rig);
    const retrying = await outboxOverview(rig.h.deps, { state: "retrying", limit: 1 });
    expect(retrying.rows.map((row) => [row.state, row.recipient])).toEqual([["retrying", "r***@example.com"]]);
    expect(retrying.counts.pending).toBe(1);
    expect((await outboxOverview(rig.h.deps, { state: "sent" })).rows.map((row) => row.recipient)).toEqual(["s***@example.com"]);
    expect((await outboxOverview(rig.h.deps, { state: "skipped" })).rows[0]).toMatchObject({
      recipient: "n***@example.com",
      reason: "unknown_email",
    });
    expect((await outboxOverview(rig.h.deps, { limit: 1 })).rows.map((row) => row.state)).toEqual(["pending"]);
    expect((await outboxOverview(rig.h.deps, { limit: 0 })).rows).toEqual([]);
  });

  it("re-queues a dead reset email while its link lives: pending, delivered once, audited; other ids are reported", async () => {
    const rig = await startRig(database, open);
    await everyState(rig);
    const dead = await idOf(rig, "dave@example.com");
    const retrying = await idOf(rig, "rita@example.com");
    const unknown = "00000000-0000-4000-8000-000000000000";

    const result = await requeueDead(rig.h.jobs, [dead, retrying, unknown]);
    expect(result).toEqual({
      requeued: [{ id: dead, kind: "password_reset" }],
      too_late: [],
      not_dead: [
        { id: retrying, state: "retrying" },
        { id: unknown, state: null },
      ],
      wake_error: null,
    });
    expect((await outboxOverview(rig.h.deps, { state: "pending" })).rows.map((row) => row.id)).toContain(dead);
    await rig.h.jobs.worker!.drain();
    const toDave = rig.server.emails.filter((email) => email.to === "dave@example.com");
    expect(toDave).toHaveLength(1);
    expect(resetLinkIn(toDave[0]!).token).toMatch(/^[\w-]{40,}$/);
    expect((await rowsOf(rig.h)).find((row) => row.id === dead)).toMatchObject({ status: "sent" });
    const audits = await rig.h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.requeued"));
    expect(audits).toEqual([
      expect.objectContaining({ reason: "password_reset", subject: "dave@example.com", details: expect.objectContaining({ outboxId: dead }) }),
    ]);
    expect((await requeueDead(rig.h.jobs, [dead])).requeued).toEqual([]);
  });

  it("a dead reset email whose link has expired stays dead (too_late); a dead notice gets a fresh day", async () => {
    const { h, server } = await startRig(database, open);
    await h.createAccounts(["nina@example.com", "olga@example.com"], PASSWORD);
    await requestPasswordReset(h.deps, { email: "nina@example.com" }, META);
    await h.jobs.worker!.drain();
    await resetPassword(h.deps, { token: resetLinkIn(server.emails[0]!).token, new_password: "Marble-Sparrow-Canyon-58" }, META);
    await requestPasswordReset(h.deps, { email: "olga@example.com" }, META);
    server.script({ status: 422 }, { status: 422 });
    expect(await h.jobs.worker!.drain()).toBe(2);
    const rows = await rowsOf(h);
    expect(rows.filter((row) => row.status === "dead")).toHaveLength(2);
    const notice = rows.find((row) => row.kind === "password_changed")!;
    const reset = rows.find((row) => row.recipient === "olga@example.com")!;

    h.clock.advance(600);
    const result = await requeueDead(h.jobs);
    expect(result).toMatchObject({ requeued: [{ id: notice.id, kind: "password_changed" }], too_late: [reset.id], not_dead: [] });
    const after = await rowsOf(h);
    expect(after.find((row) => row.id === reset.id)).toMatchObject({ status: "dead" });
    expect(after.find((row) => row.id === notice.id)!.expiresAt.getTime()).toBe(h.clock().getTime() + NOTICE_REQUEUE_MS);
    await h.jobs.worker!.drain();
    expect(server.emails.filter((email) => email.subject === passwordChangedSubject({ appName: "Rekey", locale: "en" }))).toHaveLength(1);
    expect(server.emails.filter((email) => email.to === "olga@example.com")).toEqual([]);
  });

  it("two operators re-queueing at once take a row back once", async () => {
    const { h, server } = await startRig(database, open);
    await h.createAccounts(["ivy@example.com"], PASSWORD);
    await requestPasswordReset(h.deps, { email: "ivy@example.com" }, META);
    server.script({ status: 422 });
    await h.jobs.worker!.drain();
    const results = await Promise.all([requeueDead(h.jobs), requeueDead(h.jobs)]);
    expect(results.flatMap((result) => result.requeued)).toHaveLength(1);
    expect(await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.requeued"))).toHaveLength(1);
  });

  it("in Inngest mode a re-queued row gets a new event (Inngest drops a repeated event id), carrying only its id", async () => {
    const server = await startCaptureServer();
    open.push(server);
    const h = createHarness(database.handle, { env: { INNGEST_BASE_URL: server.url, INNGEST_EVENT_KEY: "test-event-key-ops" } });
    open.push(h);
    await h.createAccounts(["uma@example.com"], PASSWORD);
    await requestPasswordReset(h.deps, { email: "uma@example.com" }, META);
    const [row] = await rowsOf(h);
    await vi.waitFor(() => expect(server.events).toHaveLength(1), { timeout: 5_000, interval: 20 });
    await markDead(h.deps, row!.id, new Error("out of attempts"));

    const result = await requeueDead(h.jobs, [row!.id]);
    expect(result).toMatchObject({ requeued: [{ id: row!.id }], wake_error: null });
    expect(server.events).toHaveLength(2);
    const again = server.events[1]!.event;
    expect(again).toMatchObject({ name: EVENT_FOR_KIND.password_reset.name, data: { outboxId: row!.id } });
    expect(again.id).not.toBe(row!.id);
    expect(Object.keys(again.data as object)).toEqual(["outboxId"]);
    const [pending] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.id, row!.id));
    expect(pending).toMatchObject({ status: "pending", attempts: 0 });
  });
});
