import { requestPasswordReset, verifyResetToken } from "@rekey/auth";
import { emailOutbox, eq, type OutboxRow } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi, type MockInstance } from "vitest";
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
import { EVENT_KEY } from "../testing/inngest";
import {
  canonicalJson,
  executionBody,
  executionRequest,
  hashedStepId,
  newSigningKey,
  readAnswer,
  servedInngest,
  signatureHeader,
  signingKeyBody,
  verifySignatureHeader,
  type ExecutionCall,
  type ServedAnswer,
  type SignOptions,
  type StepOp,
  type StoredEvent,
} from "../testing/inngest-cloud";

/**
 * The Inngest path as Inngest Cloud drives it: signed HTTP calls to the served `/api/inngest` handler
 * (`serve` from `inngest/next`, built as apps/web's route builds it), the app's own client (cloud mode,
 * configured from INNGEST_* through loadConfig and createJobs), a real database and the real Resend SDK
 * pointed at the capture server. No Inngest server can run here, so the test plays the executor: it takes
 * the event the app sent, calls the function, hands the step's output back, and retries on Retry-After.
 */

const OLD_PASSWORD = "Juniper-Lattice-Orbit-58";
const SIGNING_KEY = newSigningKey("prod");
const OTHER_KEY = newSigningKey("prod");
const MINUTE = 60_000;
const SEND_STEP = hashedStepId("send-email");
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, OLD_PASSWORD, signingKeyBody(SIGNING_KEY)]);
const targets = await testDatabases();

// The SDK logs through `console` (the app's client has no logger of its own): into the leak watch.
const consoleSpies: MockInstance[] = [];
beforeAll(() => {
  for (const level of ["log", "debug", "info", "warn", "error"] as const) {
    const to = level === "log" ? "info" : level;
    consoleSpies.push(vi.spyOn(console, level).mockImplementation((...args: unknown[]) => watch.anyLogger[to](...args)));
  }
  // Cloud mode, keys from our config only: the SDK also reads these from the environment.
  for (const name of ["INNGEST_DEV", "INNGEST_SIGNING_KEY", "INNGEST_SIGNING_KEY_FALLBACK", "INNGEST_BASE_URL"]) vi.stubEnv(name, undefined);
});
afterAll(() => {
  for (const spy of consoleSpies) spy.mockRestore();
  vi.unstubAllEnvs();
});
afterEach(() => {
  expect(watch.leaks()).toEqual([]);
});

describe.each(targets)("served /api/inngest on $name", (target) => {
  let database: TestDatabase;
  let server: CaptureServer;
  let h: Harness;
  let served: ReturnType<typeof servedInngest>;
  let fnId: string;

  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());

  beforeEach(async () => {
    await database.reset();
    const clock = fakeClock();
    server = await startCaptureServer({ clock });
    watch.track(server);
    h = createHarness(database.handle, {
      // Events go to the capture server standing in for Inngest's event API; the signing key is Cloud's.
      env: { INNGEST_BASE_URL: server.url, INNGEST_EVENT_KEY: EVENT_KEY, INNGEST_SIGNING_KEY: SIGNING_KEY },
      transport: resendTo(server),
      logger: watch.logger,
      clock,
    });
    expect(h.jobs.mode).toBe("inngest");
    expect(h.jobs.inngest!.mode).toBe("cloud");
    served = servedInngest(h.jobs.inngest!, async () => h.jobs.deps, APP_URL);
    fnId = `${h.jobs.inngest!.id}-send-password-reset-email`;
  });

  afterEach(async () => {
    await h.close();
    await server.close();
  });

  const post = async (request: Request): Promise<ServedAnswer> =>
    readAnswer(await served.POST(request as unknown as Parameters<typeof served.POST>[0], undefined));
  const signed = (call: ExecutionCall, sign: SignOptions = { signingKey: SIGNING_KEY }) => executionRequest(APP_URL, call, sign);
  const row = async (id: string): Promise<OutboxRow> => (await h.db.select().from(emailOutbox).where(eq(emailOutbox.id, id)))[0]!;

  /** A reset request for an account, and the one event the app sent for it to "Inngest". */
  const requested = async (email: string): Promise<{ row: OutboxRow; call: ExecutionCall }> => {
    await h.createAccounts([email], OLD_PASSWORD);
    await requestPasswordReset(h.deps, { email }, META);
    const [r] = await h.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, email));
    // `dispatch` does not block the request: wait (bounded) for the event to arrive.
    await vi.waitFor(() => expect(server.events).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const sent = server.events[0]!.event as unknown as StoredEvent;
    expect(sent).toMatchObject({ id: r!.id, name: EVENT_FOR_KIND.password_reset.name, data: { outboxId: r!.id } });
    const event = { id: sent.id, name: sent.name, data: sent.data, ts: sent.ts };
    return { row: r!, call: { fnId, event, runId: "01JRUNCLOUDTEST00000000000A", maxAttempts: 21 } };
  };

  /** The answer is signed back with the environment's key, over its exact text. */
  const expectSignedAnswer = (answer: ServedAnswer) =>
    expect(verifySignatureHeader(answer.headers.get("x-inngest-signature"), answer.text, SIGNING_KEY)).toBe(true);

  it("a call signed as Inngest Cloud signs it runs the function: one email, the row sent, the answer signed back", async () => {
    const { row: request, call } = await requested("ada@example.com");

    // First call: the step runs at once and its output comes back for Inngest to store (206).
    const first = await post(signed(call));
    expect(first.status).toBe(206);
    expectSignedAnswer(first);
    expect(server.emails).toHaveLength(1);
    const email = server.emails[0]!;
    const op = (first.json as StepOp[])[0]!;
    expect(first.json).toEqual([
      expect.objectContaining({ id: SEND_STEP, op: "StepRun", name: "send-email", data: { status: "sent", providerMessageId: email.id } }),
    ]);
    expect(email).toMatchObject({ to: "ada@example.com", idempotencyKey: request.id });
    expect(await row(request.id)).toMatchObject({ status: "sent", providerMessageId: email.id, attempts: 0 });
    // What Inngest stores is the step's outcome, never the link.
    expect(first.text).not.toContain(resetLinkIn(email).token);
    await expect(verifyResetToken(h.deps, { token: resetLinkIn(email).token }, META)).resolves.toMatchObject({ maskedEmail: "a***@example.com" });

    // Second call, with the step memoised: the run completes (200) without touching the provider.
    const done = await post(signed({ ...call, steps: { [op.id]: { type: "data", data: op.data } } }));
    expect(done.status).toBe(200);
    expectSignedAnswer(done);
    expect(done.json).toEqual({ status: "sent", providerMessageId: email.id });
    expect(server.requests).toHaveLength(1);
  });

  it("an identical signed call again (Inngest re-delivers), or a new run of the same event, sends no second email", async () => {
    const { row: request, call } = await requested("bea@example.com");
    const original = signed(call);
    const replay = original.clone();

    expect((await post(original)).status).toBe(206);
    expect(server.emails).toHaveLength(1);

    const again = await post(replay);
    expect(again.status).toBe(206);
    expect(again.json).toEqual([expect.objectContaining({ id: SEND_STEP, data: { status: "done-before", rowStatus: "sent" } })]);
    const newRun = await post(signed({ ...call, runId: "01JRUNCLOUDTEST00000000000B" }));
    expect(newRun.json).toEqual([expect.objectContaining({ id: SEND_STEP, data: { status: "done-before", rowStatus: "sent" } })]);

    expect(server.requests).toHaveLength(1);
    expect(server.emails).toHaveLength(1);
    expect(await row(request.id)).toMatchObject({ status: "sent", providerMessageId: server.emails[0]!.id });
  });

  it("an unsigned, wrongly signed, tampered or stale call is refused (401) before any function code runs", async () => {
    const { row: request, call } = await requested("cy@example.com");
    const now = Date.now();
    // The body of a call for another row, and a correct signature of it: valid alone, not for this body.
    const otherBody = canonicalJson(executionBody({ ...call, event: { ...call.event, data: { outboxId: "00000000-0000-4000-8000-000000000000" } } }));
    // Each case with the reason the SDK logs for refusing it (so a stale call is refused as stale).
    const refusals: [string, SignOptions, string][] = [
      ["no X-Inngest-Signature", { header: null }, "No x-inngest-signature provided"],
      ["signed with another environment's key", { signingKey: OTHER_KEY }, "Invalid signature"],
      ["a signature of another body", { header: signatureHeader(otherBody, SIGNING_KEY) }, "Invalid signature"],
      ["a signature without its timestamp", { header: `s=${"0".repeat(64)}` }, "Invalid x-inngest-signature provided"],
      ["signed 6 minutes ago", { signingKey: SIGNING_KEY, at: new Date(now - 6 * MINUTE) }, "Signature has expired"],
      ["signed 6 minutes ahead", { signingKey: SIGNING_KEY, at: new Date(now + 6 * MINUTE) }, "Signature has expired"],
    ];
    for (const [label, sign, reason] of refusals) {
      const logged = watch.lines.length;
      const answer = await post(signed(call, sign));
      expect({ label, status: answer.status, json: answer.json }).toEqual({ label, status: 401, json: { message: "Unauthorized" } });
      expect(answer.headers.get("x-inngest-signature"), label).toBeNull();
      expect(watch.lines.slice(logged).join("\n"), label).toContain(`"message":"${reason}"`);
    }
    expect(server.requests).toHaveLength(0);
    expect(await row(request.id)).toMatchObject({ status: "pending", attempts: 0, lastError: null });

    // Within the 5-minute window either way is fine; the row was left intact for the genuine call.
    const genuine = await post(signed(call, { signingKey: SIGNING_KEY, at: new Date(now - 4 * MINUTE) }));
    expect(genuine.status).toBe(206);
    expect(server.emails).toHaveLength(1);
    expect(await row(request.id)).toMatchObject({ status: "sent" });
  });

  it("a provider 429 asks Inngest for a retry after its Retry-After, inside the link's life; the retry sends once", async () => {
    const { row: request, call } = await requested("di@example.com");
    server.script({ status: 429, retryAfter: 3 });

    const failed = await post(signed(call));
    expect(failed.status).toBe(206);
    expectSignedAnswer(failed);
    // The retry signal Inngest reads: retry (not "no retry"), after 3 s.
    expect(failed.headers.get("x-inngest-no-retry")).toBe("false");
    expect(failed.headers.get("retry-after")).toBe("3");
    expect(failed.json).toEqual([
      expect.objectContaining({ id: SEND_STEP, op: "StepError", error: expect.objectContaining({ name: "RetryAfterError" }) }),
    ]);
    expect(await row(request.id)).toMatchObject({ status: "pending", attempts: 1, lastError: expect.stringContaining("429") });
    expect(server.emails).toHaveLength(0);

    h.clock.advance(3); // as Inngest waits
    const retried = await post(signed({ ...call, attempt: 1 }));
    expect(retried.status).toBe(206);
    expect(retried.json).toEqual([
      expect.objectContaining({ id: SEND_STEP, op: "StepRun", data: { status: "sent", providerMessageId: server.emails[0]!.id } }),
    ]);
    expect(server.requests.map((r) => r.answer)).toEqual([429, 200]);
    expect(server.emails).toHaveLength(1);
    const [first, second] = server.requests;
    expect(second!.at.getTime() - first!.at.getTime()).toBe(3_000);
    expect(second!.at.getTime()).toBeLessThan(request.expiresAt.getTime());
    expect(await row(request.id)).toMatchObject({ status: "sent", attempts: 1 });
  });
});
