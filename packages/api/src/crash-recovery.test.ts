/**
 * Crashes with real processes (issue 9: "crash, outage and stop behaviour go in integration tests (spawned
 * servers …), both databases where they apply"; CONTRACT §4: each accepted request is delivered exactly once
 * through SIGKILL at any moment, restarts and several instances on one database).
 *
 * The app runs as real API processes (`testing/serve-child.ts`) with Resend pointed at the capture server
 * (`@rekey/jobs`' Resend stand-in, which replays a repeated Idempotency-Key: `.emails` holds one entry per
 * accepted message, `.requests` every POST). The instance that is killed reaches it through a gate that, once
 * shut, never answers: the instance then certainly holds claimed rows, mid-send. Every other held request is
 * passed on to the provider first (the provider accepted it, the app never heard back), so both crash points
 * of a send are covered: before the provider got it, and after it accepted but before the row was marked.
 *
 * Every request asks for a different account (or an unknown address): reset links are "newest wins" per
 * account, so two requests for one account may rightly end in one email, and per-address counts would blur.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emailOutbox, openDatabase } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startCaptureServer } from "../../jobs/src/testing/capture-server";
import {
  checkHeldSentOnce,
  DELIVERY_THREAD,
  HOLD_BEFORE_KILL_MS,
  type Instance,
  TAKEN_OVER_WITHIN_MS,
  allSettled,
  baseEnv,
  checkDelivery,
  cleanups,
  createAccounts,
  runCleanups,
  slowest,
  startGate,
  startInstance,
  startStream,
} from "./testing/processes";
const postgresTarget = (await testDatabases()).find((target) => target.name === "postgres");
const hasPostgres = postgresTarget !== undefined;
if (!hasPostgres) console.warn("*** crash-recovery.test.ts: no PostgreSQL, the two-instance case is skipped ***");

afterEach(runCleanups);

describe("SIGKILL with email work in flight (CONTRACT §4: exactly once through crashes)", () => {
  it.skipIf(!hasPostgres)(
    "PostgreSQL, two instances: the survivor takes over the dead one's claimed rows within the lease, and every answered request gets exactly one email",
    { timeout: 120_000 },
    async () => {
      const database = await postgresTarget!.create();
      cleanups.push(() => database.close());
      const capture = await startCaptureServer();
      cleanups.push(() => capture.close());
      const gate = await startGate(capture.url);
      cleanups.push(() => gate.close());
      const known = await createAccounts(database.db, "crash", 600);

      if (!database.url) throw new Error("the PostgreSQL target gave no URL");
      // Delivery in its thread, as the built app runs it on PostgreSQL.
      const env = { ...baseEnv, DATABASE_URL: database.url, REKEY_DELIVERY_THREAD: DELIVERY_THREAD };
      const [a, b] = await Promise.all([
        startInstance("A", { ...env, RESEND_BASE_URL: gate.url }),
        startInstance("B", { ...env, RESEND_BASE_URL: capture.url }),
      ]);

      let aAlive = true;
      const stream = startStream(known, (n) => (aAlive && n % 2 === 0 ? a : b));
      // Both instances answer and deliver for a while.
      await vi.waitFor(() => expect(stream.answered("A")).toBeGreaterThanOrEqual(10), { timeout: 20_000, interval: 20 });
      await vi.waitFor(
        () =>
          expect(capture.emails.length, `${capture.requests.length} POSTs\n${a.output.join("")}\n${b.output.join("")}`).toBeGreaterThanOrEqual(10),
        { timeout: 20_000, interval: 20 },
      );
      // A's provider stops answering: A is mid-send on the rows it claims from now on. A lives on for a
      // while (past a renewal of its leases) so that a lease too short, or not renewed, would let B take its
      // rows while it still works on them; but not as long as the transport's 10 s timeout, after which A
      // itself would give up the send.
      gate.shut();
      await vi.waitFor(
        () => {
          expect(gate.held.length).toBeGreaterThanOrEqual(6);
          expect(Date.now() - gate.held[0]!.at).toBeGreaterThanOrEqual(HOLD_BEFORE_KILL_MS);
        },
        { timeout: 15_000, interval: 20 },
      );
      const killedAt = Date.now();
      expect(killedAt - gate.held[0]!.at, "A was killed before its first held send timed out").toBeLessThan(9_000);
      a.child.kill("SIGKILL");
      aAlive = false;
      await a.exited;
      // The stream goes on against B alone.
      const answeredByBAtKill = stream.answered("B");
      await vi.waitFor(() => expect(stream.answered("B") - answeredByBAtKill).toBeGreaterThanOrEqual(40), { timeout: 20_000, interval: 20 });
      const sent = await stream.stop();

      const rows = await allSettled(database.db);
      const settledAt = Date.now();
      const byId = new Map(rows.map((row) => [row.id, row]));

      // Every request B got was answered (A's in flight when it died have no answer: they count as not accepted).
      for (const s of sent.filter((s) => s.via === "B")) expect(s.status, `${s.email} via B`).toBe(200);
      checkDelivery(sent, rows, capture);

      // The rows A held when it died: B sent them, after A's lease lapsed and within TAKEN_OVER_WITHIN_MS.
      const held = gate.held.map((h) => ({ ...h, row: byId.get(h.key) }));
      const delays: number[] = [];
      for (const h of held) {
        expect(h.row, `held row ${h.key} exists`).toBeDefined();
        expect(h.row!.status, `held row ${h.key}`).toBe("sent");
        const delay = h.row!.sentAt!.getTime() - killedAt;
        delays.push(delay);
        expect(delay, `held row ${h.key} sent after the kill`).toBeGreaterThan(0);
        expect(delay, `held row ${h.key} sent within ${TAKEN_OVER_WITHIN_MS} ms of the kill`).toBeLessThan(TAKEN_OVER_WITHIN_MS);
        checkHeldSentOnce(h, capture, killedAt);
      }

      const answered = sent.filter((s) => s.status === 200).length;
      console.info(
        `[crash-recovery/postgres] ${sent.length} requests (${answered} answered 200, ${sent.length - answered} died with A), ` +
          `${rows.length} rows, ${capture.emails.length} emails accepted, ${capture.requests.length} POSTs; ` +
          `A held ${held.length} (${held.filter((h) => h.forwarded).length} already accepted by the provider), the oldest for ${killedAt - gate.held[0]!.at} ms; ` +
          `kill → held rows sent by B: ${Math.min(...delays)}–${Math.max(...delays)} ms; all settled ${settledAt - killedAt} ms after the kill; ` +
          `slowest answer ${slowest(sent)} ms`,
      );
    },
  );

  it(
    "PGlite, one instance: it restarts on the same data directory after SIGKILL and delivers every answered request exactly once",
    { timeout: 120_000 },
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), "rekey-crash-"));
      cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
      const capture = await startCaptureServer();
      cleanups.push(() => capture.close());
      const gate = await startGate(capture.url);
      cleanups.push(() => gate.close());
      const setup = await openDatabase({ dataDir, migrate: true });
      const known = await createAccounts(setup.db, "solo", 400);
      await setup.close();

      const env = { ...baseEnv, DATA_DIR: dataDir, RESEND_BASE_URL: gate.url };
      let current: Instance | undefined = await startInstance("first", env);
      const first = current;
      const stream = startStream(known, () => current);
      await vi.waitFor(() => expect(stream.answered()).toBeGreaterThanOrEqual(15), { timeout: 20_000, interval: 20 });
      await vi.waitFor(() => expect(capture.emails.length).toBeGreaterThanOrEqual(10), { timeout: 20_000, interval: 20 });
      gate.shut();
      await vi.waitFor(() => expect(gate.held.length).toBeGreaterThanOrEqual(6), { timeout: 8_000, interval: 20 });
      const killedAt = Date.now();
      first.child.kill("SIGKILL");
      current = undefined; // nobody to ask while it is down
      await first.exited;

      // Same data directory, same port: the lock the dead process left behind must not keep it from starting.
      expect(readFileSync(join(dataDir, "pglite", "rekey.pid"), "utf8"), "the dead process's lock is still there").toBe(String(first.child.pid));
      gate.open();
      const second = await startInstance("second", env, first.port);
      const restartMs = second.readyAt - killedAt;
      current = second;
      await vi.waitFor(() => expect(stream.answered("second")).toBeGreaterThanOrEqual(20), { timeout: 20_000, interval: 20 });
      const sent = await stream.stop();

      await vi.waitFor(
        () => {
          // The held rows and everything after them reach the provider while the instance runs.
          const keys = new Set(capture.emails.map((e) => e.idempotencyKey));
          for (const h of gate.held) expect(keys.has(h.key), `held ${h.key} accepted`).toBe(true);
        },
        { timeout: 40_000, interval: 100 },
      );
      const lastHeldAcceptedAt = Math.max(
        ...gate.held.map((h) => Math.max(...capture.requests.filter((r) => r.idempotencyKey === h.key).map((r) => r.at.getTime()))),
      );
      // The restarted process owns the directory alone: it frees the dead one's claims at start instead of
      // waiting out their leases. Once the provider has every answered request's email, a clean stop (which
      // drains the sends in flight) leaves nothing pending, and the directory can be read.
      await vi.waitFor(
        () => {
          expect(capture.emails.length).toBeGreaterThanOrEqual(sent.filter((s) => s.known && s.status === 200).length);
        },
        { timeout: 40_000, interval: 200 },
      );
      second.child.kill("SIGTERM");
      await second.exited;
      expect(second.child.exitCode, second.output.join("")).toBe(0);
      // PGlite is one process per directory: read it once the instance is gone.
      const check = await openDatabase({ dataDir });
      const rows = await check.db
        .select()
        .from(emailOutbox)
        .finally(() => check.close());
      const byId = new Map(rows.map((row) => [row.id, row]));

      for (const s of sent.filter((s) => s.via === "second")) expect(s.status, `${s.email} after the restart`).toBe(200);
      expect(
        rows.filter((row) => row.status === "pending").map((row) => row.id),
        "nothing left pending",
      ).toEqual([]);
      checkDelivery(sent, rows, capture);

      const delays: number[] = [];
      for (const h of gate.held) {
        const row = byId.get(h.key);
        expect(row?.status, `held row ${h.key}`).toBe("sent");
        delays.push(row!.sentAt!.getTime() - killedAt);
        expect(row!.sentAt!.getTime() - second.readyAt, `held row ${h.key} sent within 5 s of the restart`).toBeLessThan(5_000);
        checkHeldSentOnce(h, capture, killedAt);
      }

      const answered = sent.filter((s) => s.status === 200).length;
      console.info(
        `[crash-recovery/pglite] ${sent.length} requests (${answered} answered 200, ${sent.length - answered} died with the first process), ` +
          `${rows.length} rows, ${capture.emails.length} emails accepted, ${capture.requests.length} POSTs; ` +
          `held ${gate.held.length} (${gate.held.filter((h) => h.forwarded).length} already accepted by the provider); ` +
          `restart listening ${restartMs} ms after the kill; held rows sent ${Math.min(...delays)}–${Math.max(...delays)} ms after the kill ` +
          `(${Math.min(...delays) - restartMs}–${Math.max(...delays) - restartMs} ms after the restart); last held POST ${lastHeldAcceptedAt - killedAt} ms after the kill; ` +
          `slowest answer ${slowest(sent)} ms`,
      );
    },
  );
});
