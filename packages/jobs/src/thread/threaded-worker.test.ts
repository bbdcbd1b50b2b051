import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requestPasswordReset, systemClock, type AuthDeps } from "@rekey/auth";
import { loadConfig } from "@rekey/config";
import { emailOutbox } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startCaptureServer, type CaptureServer } from "../testing/capture-server";
import { createHarness, META, openTestDatabase, TEST_SECRET, type TestDatabase } from "../testing";
import { createJobs, type Jobs } from "../setup";
import type { WorkerOptions } from "../worker";

const ENTRY = join(import.meta.dirname, "entry.mjs");
const postgres = (await testDatabases()).find((target) => target.name === "postgres");
const PASSWORD = "Cobalt-Meadow-Lantern-64";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

interface Threaded {
  server: CaptureServer;
  deps: AuthDeps;
  jobs: Jobs;
  database: TestDatabase;
  lines: { level: string; message?: string }[];
}

/** The app's wiring on PostgreSQL with a thread entry: delivery runs in its own thread, Resend is the capture server. */
async function threaded(entry = ENTRY, worker?: WorkerOptions): Promise<Threaded> {
  const server = await startCaptureServer();
  open.push(server);
  const database = await openTestDatabase(postgres!);
  open.push(database);
  const config = loadConfig({
    AUTH_SECRET: TEST_SECRET,
    DATABASE_URL: (database.handle as { url?: string }).url!,
    APP_URL: "http://localhost:3000",
    EMAIL_FROM: "Rekey <no-reply@rekey.test>",
    RESEND_API_KEY: "re_test_thread",
    RESEND_BASE_URL: server.url,
    RATE_LIMITS: "off",
    CAPTCHA: "off",
  });
  const lines: Threaded["lines"] = [];
  const record = (level: string) => (_fields: object, message?: string) => void lines.push({ level, message });
  const logger = { debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
  const deps: AuthDeps = { db: database.handle.db, config, secret: TEST_SECRET, clock: systemClock, logger };
  const jobs = createJobs(deps, { threadEntry: entry, threadPoolMax: 2, worker });
  deps.onOutbox = jobs.dispatch;
  jobs.thread?.start();
  open.push({ close: () => jobs.thread?.stop({ timeoutMs: 1_000 }) ?? Promise.resolve() });
  return { server, deps, jobs, database, lines };
}

describe.skipIf(!postgres)("the delivery thread (PostgreSQL)", () => {
  it("sends a reset request's email from its own thread, once, and the link is live", async () => {
    const t = await threaded();
    expect(t.jobs.thread).toBeDefined();
    expect(t.jobs.worker).toBeUndefined();
    const harness = createHarness(t.database.handle);
    await harness.createAccounts(["ana@example.com"], PASSWORD);
    await requestPasswordReset(t.deps, { email: "ana@example.com" }, META);
    await requestPasswordReset(t.deps, { email: "nobody@example.com" }, META);

    await vi.waitFor(() => expect(t.server.emails.map((e) => e.to)).toEqual(["ana@example.com"]), { timeout: 30_000, interval: 20 });
    expect(t.server.emails[0]!.text).toMatch(/\/reset-password\?token=/);
    await vi.waitFor(
      async () => {
        const rows = await t.database.handle.db.select().from(emailOutbox);
        expect(rows.map((row) => row.status).sort()).toEqual(["sent", "skipped"]);
      },
      { timeout: 5_000, interval: 20 },
    );
    // The thread's log lines reach the host's logger (a message, so a moment after the row is marked).
    await vi.waitFor(
      () => expect(t.lines).toContainEqual({ level: "info", message: expect.stringMatching(/^email accepted by Resend \(id .+\)$/) }),
      { timeout: 5_000, interval: 20 },
    );
  });

  it("sends the same email from the production bundle (the build's), with no TypeScript loader", { timeout: 120_000 }, async () => {
    const bundle = join(mkdtempSync(join(tmpdir(), "rekey-thread-")), "delivery-thread.mjs");
    execFileSync(process.execPath, [join(import.meta.dirname, "..", "..", "scripts", "build-thread.mjs"), bundle]);
    const t = await threaded(bundle);
    await createHarness(t.database.handle).createAccounts(["cy@example.com"], PASSWORD);
    await requestPasswordReset(t.deps, { email: "cy@example.com" }, META);
    await vi.waitFor(() => expect(t.server.emails.map((e) => e.to)).toEqual(["cy@example.com"]), { timeout: 30_000, interval: 20 });
    expect(t.server.emails[0]!.html).toContain("/reset-password?token=");
    expect(t.lines.filter((line) => line.level === "error")).toEqual([]);
  });

  it("every request wakes the thread: none waits for the next poll, in a burst or one by one", async () => {
    // A lost wake would leave its row to a poll a minute away.
    const t = await threaded(ENTRY, { pollMs: 60_000 });
    const emails = Array.from({ length: 30 }, (_, i) => `wake-${i}@example.com`);
    await createHarness(t.database.handle).createAccounts(emails, PASSWORD);
    await Promise.all(emails.slice(0, 20).map((email) => requestPasswordReset(t.deps, { email }, META)));
    await vi.waitFor(() => expect(t.server.emails).toHaveLength(20), { timeout: 15_000, interval: 20 });
    for (const [i, email] of emails.slice(20).entries()) {
      await requestPasswordReset(t.deps, { email }, META);
      await vi.waitFor(() => expect(t.server.emails).toHaveLength(21 + i), { timeout: 15_000, interval: 5 });
    }
  });

  it("while the answering thread is saturated, email trickles out (25 a second at most), then the rest goes at once", async () => {
    const t = await threaded();
    const emails = Array.from({ length: 150 }, (_, i) => `flood-${i}@example.com`);
    await createHarness(t.database.handle).createAccounts([...emails, "warm@example.com"], PASSWORD);
    // The thread is up and sending before the flood begins.
    await requestPasswordReset(t.deps, { email: "warm@example.com" }, META);
    await vi.waitFor(() => expect(t.server.emails).toHaveLength(1), { timeout: 30_000, interval: 20 });
    // This thread answers the requests: busy all the time, with a moment between slices for I/O (as under a flood).
    let spinning = true;
    const spin = (async () => {
      while (spinning) {
        const until = performance.now() + 40;
        while (performance.now() < until);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      // The thread sees the saturation in the next sample (every 250 ms).
      const seen = performance.now() + 600;
      while (performance.now() < seen) await new Promise((resolve) => setImmediate(resolve));
      const written = performance.now();
      await Promise.all(emails.map((email) => requestPasswordReset(t.deps, { email }, META)));
      const hold = performance.now() + 2_000;
      while (performance.now() < hold) await new Promise((resolve) => setImmediate(resolve));
      const seconds = (performance.now() - written) / 1000;
      const sent = t.server.emails.length - 1;
      // A bucket of 10, refilled at 25 a second: the email keeps moving, but is not what the CPU is spent on.
      expect(sent).toBeGreaterThan(0);
      expect(sent).toBeLessThanOrEqual(10 + Math.ceil(25 * seconds));
    } finally {
      spinning = false;
      await spin;
    }
    await vi.waitFor(() => expect(t.server.emails).toHaveLength(151), { timeout: 30_000, interval: 50 });
    expect(new Set(t.server.emails.map((e) => e.to)).size).toBe(151);
  });

  it("a thread that dies is started again, and sends what was asked while it was down and after", async () => {
    const t = await threaded();
    await createHarness(t.database.handle).createAccounts(["di@example.com", "ed@example.com", "fa@example.com"], PASSWORD);
    await requestPasswordReset(t.deps, { email: "di@example.com" }, META);
    await vi.waitFor(() => expect(t.server.emails).toHaveLength(1), { timeout: 30_000, interval: 20 });

    // Killed from outside, as a fatal error in the thread would end it.
    await (t.jobs.thread as unknown as { thread: { terminate(): Promise<number> } }).thread.terminate();
    await requestPasswordReset(t.deps, { email: "ed@example.com" }, META);
    await vi.waitFor(() => expect(t.server.emails.map((e) => e.to)).toContain("ed@example.com"), { timeout: 30_000, interval: 20 });
    await requestPasswordReset(t.deps, { email: "fa@example.com" }, META);
    await vi.waitFor(() => expect(t.server.emails.map((e) => e.to)).toContain("fa@example.com"), { timeout: 30_000, interval: 20 });
    expect(t.server.emails).toHaveLength(3);
    expect(t.lines).toContainEqual({ level: "error", message: "delivery thread exited; starting it again" });
  });

  it("stop() lets a send in flight finish within its time, then the thread ends", async () => {
    const t = await threaded();
    const harness = createHarness(t.database.handle);
    await harness.createAccounts(["bo@example.com"], PASSWORD);
    t.server.script("hang");
    await requestPasswordReset(t.deps, { email: "bo@example.com" }, META);
    await vi.waitFor(() => expect(t.server.requests).toHaveLength(1), { timeout: 30_000, interval: 20 });

    const started = performance.now();
    await t.jobs.thread!.stop({ timeoutMs: 300 });
    expect(performance.now() - started).toBeLessThan(2_500);
    // The unfinished row was released, not left under a lease: it is claimable at once.
    const [row] = await t.database.handle.db.select().from(emailOutbox);
    expect(row).toMatchObject({ status: "pending", lockedBy: null, lockedUntil: null });
  });
});
