import { auditEvents, eq } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import type { SendInput, Transport } from "@rekey/email";
import { RetryAfterError } from "inngest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LeakWatch, openTestDatabase, RESEND_KEY, resendTo, TEST_SECRET, type TestDatabase } from "../testing";
import { engineFor, startInngestRig, type InngestRig } from "../testing/inngest";

/**
 * Retries of the email functions through `@inngest/test`: the same fault table as the embedded worker's,
 * with Inngest's own retry (a RetryAfterError carrying our schedule's delay) inside the row's deadline.
 * The engine does not model retries: each `execute()` is one attempt, and the test moves the fake clock by
 * the delay Inngest would wait.
 */

const OLD_PASSWORD = "Saffron-Kettle-Harbor-72";
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, OLD_PASSWORD]);
const targets = await testDatabases();

afterEach(() => {
  expect(watch.leaks()).toEqual([]);
});

describe.each(targets)("Inngest email retries on $name", (target) => {
  let database: TestDatabase;
  let rig: InngestRig;

  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.reset();
    rig = await startInngestRig(database, watch);
  });
  afterEach(() => rig.close());

  it("a retryable transport failure fails the step with our schedule's delay (RetryAfterError) and counts the attempt", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["bo@example.com"], OLD_PASSWORD);
    const request = await requestFor("bo@example.com");
    const calls: SendInput[] = [];
    const failing: Transport = {
      send: async (input) => {
        calls.push(input);
        return { ok: false, retryable: true, status: 503, error: "provider unavailable (503)" };
      },
    };
    const fns = functions(async () => ({ ...h.jobs.deps, transport: failing }));

    // Inngest keeps whole seconds, rounded up: 1 s ± 20 % → 1 or 2; 2 s ± 20 % → 2 or 3.
    for (const [attempt, delays] of [
      [1, ["1", "2"]],
      [2, ["2", "3"]],
    ] as const) {
      const { error, result } = await engineFor(fns.reset, resetEvent(request.id)).execute();
      expect(result).toBeUndefined();
      expect(error).toMatchObject({ name: "RetryAfterError", message: "provider unavailable (503)" });
      expect(stepErrors).toHaveLength(attempt);
      const thrown = stepErrors.at(-1)!;
      expect(thrown).toMatchObject({ stepId: "send-email", isFinalAttempt: false });
      expect(delays).toContain((thrown.error as RetryAfterError).retryAfter);
      const now = await row(request.id);
      expect(now).toMatchObject({ status: "pending", attempts: attempt, lastError: "RetryableDeliveryError: provider unavailable (503)" });
      h.clock.advanceTo(now.nextAttemptAt);
    }
    expect(calls.map((c) => c.idempotencyKey)).toEqual([request.id, request.id]);
    expect(server.requests).toHaveLength(0);
  });

  it("the fault table through Inngest: 500, 429 (Retry-After: 3), 502, then 200: one email, retries within seconds", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["bu@example.com"], OLD_PASSWORD);
    const request = await requestFor("bu@example.com");
    server.script({ status: 500 }, { status: 429, retryAfter: 3 }, { status: 502 });
    // The delays the function asks Inngest for (whole seconds, rounded up): 1 s ± 20 %, then the
    // provider's Retry-After (3 s, above our 2 s ± 20 %), then 4 s ± 20 %.
    const allowed = [["1", "2"], ["3"], ["4", "5"]];
    const asked: number[] = [];
    for (const delays of allowed) {
      const { error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
      expect(error).toMatchObject({ name: "RetryAfterError" });
      expect(stepErrors.at(-1)!.isFinalAttempt).toBe(false);
      const retryAfter = (stepErrors.at(-1)!.error as RetryAfterError).retryAfter;
      expect(delays).toContain(retryAfter);
      asked.push(Number(retryAfter));
      h.clock.advance(Number(retryAfter)); // as Inngest would wait
    }
    const { result, error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "sent", providerMessageId: server.emails[0]!.id });
    expect(server.requests.map((r) => r.answer)).toEqual([500, 429, 502, 200]);
    expect(server.emails).toHaveLength(1);
    expect(new Set(server.requests.map((r) => r.idempotencyKey))).toEqual(new Set([request.id]));
    // Each attempt came when it asked to, the whole sequence within seconds and inside the link's life.
    const at = server.requests.map((r) => r.at.getTime());
    expect(at.slice(1).map((t, i) => (t - at[i]!) / 1000)).toEqual(asked);
    expect(at[3]! - at[0]!).toBeLessThanOrEqual(10_000);
    expect(at[3]!).toBeLessThan(request.expiresAt.getTime());
    expect(await row(request.id)).toMatchObject({ status: "sent", attempts: 3 });
  });

  it("a Resend 409 concurrent_idempotent_requests (same key in flight) is retried within a second or two, once", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["bo2@example.com"], OLD_PASSWORD);
    const request = await requestFor("bo2@example.com");
    server.script({ status: 409 });
    const first = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(first.error).toMatchObject({ name: "RetryAfterError" });
    const retryAfter = (stepErrors[0]!.error as RetryAfterError).retryAfter;
    expect(["1", "2"]).toContain(retryAfter);
    h.clock.advance(Number(retryAfter));
    const { result } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(result).toEqual({ status: "sent", providerMessageId: server.emails[0]!.id });
    expect(server.requests.map((r) => r.answer)).toEqual([409, 200]);
    expect(server.emails).toHaveLength(1);
    expect(await row(request.id)).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("the provider accepted but the run failed before recording it: Inngest's retry repeats the key, no second email", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["bea@example.com"], OLD_PASSWORD);
    const request = await requestFor("bea@example.com");
    let crashes = 1;
    const fns = functions(async () => ({
      ...h.jobs.deps,
      afterSend: () => {
        if (crashes-- > 0) throw new Error("connection terminated unexpectedly");
      },
    }));
    const first = await engineFor(fns.reset, resetEvent(request.id)).execute();
    expect(first.error).toMatchObject({ name: "RetryAfterError" });
    expect(server.emails).toHaveLength(1);
    expect(await row(request.id)).toMatchObject({ status: "pending", attempts: 1 });
    h.clock.advance(Number((stepErrors[0]!.error as RetryAfterError).retryAfter));

    const { result, error } = await engineFor(fns.reset, resetEvent(request.id)).execute();
    expect(error).toBeUndefined();
    // Resend answers a repeated key (same payload) with the first response: the same message, not a new one.
    expect(result).toEqual({ status: "sent", providerMessageId: server.emails[0]!.id });
    expect(server.requests.map((r) => [r.answer, r.idempotencyKey])).toEqual([
      [200, request.id],
      [200, request.id],
    ]);
    expect(server.emails).toHaveLength(1);
    expect(await row(request.id)).toMatchObject({ status: "sent", providerMessageId: server.emails[0]!.id });
  });

  it("a failure close to the deadline: a Retry-After past it expires the row at once; nothing is sent after expiry", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["ca@example.com"], OLD_PASSWORD);
    const request = await requestFor("ca@example.com");
    h.clock.advanceTo(new Date(request.expiresAt.getTime() - 20_000));
    server.script({ status: 429, retryAfter: 30 });

    // The provider's wait is honoured, not cut short to fit: no retry is asked for, the run ends.
    const { result, error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "expired", reason: "the next attempt (in 30 s) would fall after the delivery deadline" });
    expect(stepErrors).toHaveLength(0);
    expect(await row(request.id)).toMatchObject({ status: "expired", attempts: 1 });
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.expired"));
    expect(audits).toEqual([expect.objectContaining({ details: expect.objectContaining({ outboxId: request.id }) })]);

    h.clock.advance(30); // a redelivery when the provider would take it: nothing goes out
    const late = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(late.result).toEqual({ status: "done-before", rowStatus: "expired" });
    expect(server.requests.map((r) => r.answer)).toEqual([429]);
    expect(server.emails).toHaveLength(0);
  });

  it("an attempt that could reach the provider after the deadline is not made: the row expires, nothing is sent", async () => {
    const { h, server, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["ce@example.com"], OLD_PASSWORD);
    const request = await requestFor("ce@example.com");
    // Inside the send guard (the transport's 2 s timeout): a send now might land after the link expired.
    h.clock.advanceTo(new Date(request.expiresAt.getTime() - 1_500));
    const { result, error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "expired", reason: "the delivery deadline passed before the attempt" });
    expect(await row(request.id)).toMatchObject({ status: "expired" });
    expect(server.requests).toHaveLength(0);
  });

  it("a provider that keeps failing: Inngest retries inside the link's life, then the row expires and the run ends", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["bi@example.com"], OLD_PASSWORD);
    const request = await requestFor("bi@example.com");
    server.script(...Array.from({ length: 40 }, () => ({ status: 500 as const })));
    let outcome: unknown;
    for (let run = 0; run < 40 && outcome === undefined; run++) {
      const { error, result } = await engineFor(functions().reset, resetEvent(request.id)).execute();
      if (error) h.clock.advance(Number((stepErrors.at(-1)!.error as RetryAfterError).retryAfter));
      else outcome = result;
    }
    expect(outcome).toEqual({ status: "expired", reason: expect.stringContaining("would fall after the delivery deadline") });
    expect(await row(request.id)).toMatchObject({ status: "expired" });
    // The transport's timeout (2 s) is the guard: every send started at least that long before the expiry.
    expect(server.requests.every((r) => r.at.getTime() + 2_000 <= request.expiresAt.getTime())).toBe(true);
    expect(server.requests.length).toBeGreaterThanOrEqual(10);
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.expired"));
    expect(audits).toEqual([expect.objectContaining({ details: expect.objectContaining({ outboxId: request.id }) })]);

    // A late redelivery of the event sends nothing.
    h.clock.advance(3_600);
    const late = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(late.result).toEqual({ status: "done-before", rowStatus: "expired" });
    expect(server.emails).toHaveLength(0);
  });

  it("a Resend 409 invalid_idempotent_request (the key was used before) is the email already accepted: sent, no retry", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["ba@example.com"], OLD_PASSWORD);
    const request = await requestFor("ba@example.com");
    await resendTo(server).send({
      to: "ba@example.com",
      subject: "Rendered before a deploy",
      html: "<p>old</p>",
      text: "old",
      idempotencyKey: request.id,
    });
    const { result, error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ status: "sent", providerMessageId: null });
    expect(stepErrors).toHaveLength(0);
    expect(server.requests.map((r) => r.answer)).toEqual([200, 409]);
    expect(await row(request.id)).toMatchObject({ status: "sent", attempts: 0 });
  });

  it("a Resend 429 with Retry-After surfaces as Inngest's RetryAfterError with that delay", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["cy@example.com"], OLD_PASSWORD);
    const request = await requestFor("cy@example.com");
    server.script({ status: 429, retryAfter: 120 });

    const { error } = await engineFor(functions().reset, resetEvent(request.id)).execute();
    expect(error).toMatchObject({ name: "RetryAfterError" });
    expect(stepErrors).toHaveLength(1);
    const thrown = stepErrors[0]!;
    expect(thrown.isFinalAttempt).toBe(false);
    expect(thrown.error).toBeInstanceOf(RetryAfterError);
    // The SDK keeps the delay as whole seconds, as a string.
    expect((thrown.error as RetryAfterError).retryAfter).toBe("120");
    expect(await row(request.id)).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("429") });
    expect(server.emails).toHaveLength(0);
  });

  it("a 422 is not retried (NonRetriableError): the row is dead and audited at once; onFailure then changes nothing", async () => {
    const { h, server, stepErrors, functions, resetEvent, row, requestFor } = rig;
    await h.createAccounts(["di@example.com"], OLD_PASSWORD);
    const request = await requestFor("di@example.com");
    server.script({ status: 422, message: "Invalid `to` field." });
    const fns = functions();

    const { error } = await engineFor(fns.reset, resetEvent(request.id)).execute();
    expect(error).toMatchObject({ name: "NonRetriableError", message: expect.stringContaining("422") });
    expect(stepErrors).toEqual([expect.objectContaining({ stepId: "send-email", isFinalAttempt: true })]);
    expect(await row(request.id)).toMatchObject({
      status: "dead",
      attempts: 1,
      lastError: "PermanentDeliveryError: resend 422 validation_error: Invalid `to` field.",
    });

    // @inngest/test never runs onFailure: call the handler the function registered, with the
    // `inngest/function.failed` event Inngest would send (the original event under data.event).
    const onFailure = (fns.reset as unknown as { opts: { onFailure: (arg: unknown) => Promise<void> } }).opts.onFailure;
    // The SDK hands onFailure the run's error deserialised into an Error.
    const serialised = error as { name: string; message: string };
    const failure = Object.assign(new Error(serialised.message), { name: serialised.name });
    await onFailure({ event: { name: "inngest/function.failed", data: { event: resetEvent(request.id), error } }, error: failure });

    expect(await row(request.id)).toMatchObject({
      status: "dead",
      lastError: "PermanentDeliveryError: resend 422 validation_error: Invalid `to` field.",
    });
    const audits = await h.db.select().from(auditEvents).where(eq(auditEvents.event, "email.dead"));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ reason: "password_reset", subject: "di@example.com", details: { outboxId: request.id, attempts: 1 } });
    expect(server.emails).toHaveLength(0);
  });
});
