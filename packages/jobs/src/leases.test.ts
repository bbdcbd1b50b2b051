import { requestPasswordReset } from "@rekey/auth";
import { testDatabases } from "@rekey/db/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { claimDue } from "./lease";
import {
  deferred,
  LeakWatch,
  META,
  openTestDatabase,
  RESEND_KEY,
  rowsOf,
  startRig,
  TEST_SECRET,
  type Harness,
  type Rig,
  type TestDatabase,
} from "./testing";
import { EmbeddedWorker, type WorkerOptions } from "./worker";

const PASSWORD = "Cobalt-Meadow-Lantern-64";
const watch = new LeakWatch([TEST_SECRET, RESEND_KEY, PASSWORD]);
const targets = await testDatabases();

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
  expect(watch.leaks()).toEqual([]);
});

let database: TestDatabase;
const setup = (): Promise<Rig> => startRig(database, open, { watch });

async function requestFor(h: Harness, email: string): Promise<void> {
  await h.createAccounts([email], PASSWORD);
  await requestPasswordReset(h.deps, { email }, META);
}

/**
 * A worker whose job stops dead right after the provider accepted the email (the worst moment to die),
 * until `finish` is called. `options` say whether its lease renewals keep coming.
 */
function stalledWorker(h: Harness, options: WorkerOptions) {
  const accepted = deferred();
  const finish = deferred();
  const worker = new EmbeddedWorker(
    {
      ...h.jobs.deps,
      afterSend: () => {
        accepted.resolve();
        return finish.promise;
      },
    },
    options,
  );
  const draining = worker.drain();
  open.push({ close: async () => void (finish.resolve(), await draining.catch(() => {})) });
  return { worker, accepted: accepted.promise, finish: finish.resolve, draining };
}

describe.each(targets)("leases on $name", (target) => {
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  afterAll(() => database.close());
  beforeEach(() => database.reset());

  it("a row claimed by a worker that was killed (no renewal, no release) is taken by another after the 10 s lease", async () => {
    const { server, h } = await setup();
    await requestFor(h, "abe@example.com");
    const killed = await claimDue(h.db, h.clock(), { leaseMs: 10_000, limit: 10 });
    expect(killed.rows).toHaveLength(1);
    expect((await rowsOf(h))[0]).toMatchObject({ lockedBy: killed.id, lockedUntil: new Date(h.clock().getTime() + 10_000) });

    h.clock.advance(9.9);
    expect(await h.jobs.worker!.drain()).toBe(0);
    h.clock.advance(0.1);
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(server.emails).toHaveLength(1);
    expect((await rowsOf(h))[0]).toMatchObject({ status: "sent", attempts: 0, lockedUntil: null, lockedBy: null });
  });

  it("a worker that dies after Resend accepted, before marking the row sent: the next one sends no duplicate", async () => {
    const { server, h } = await setup();
    await requestFor(h, "bea@example.com");
    // Its renewals never come (the process froze, or was killed).
    const doomed = stalledWorker(h, { renewEveryMs: 3_600_000 });
    await doomed.accepted;

    const [claimed] = await rowsOf(h);
    expect(claimed).toMatchObject({ status: "pending", attempts: 0 });
    expect(claimed!.lockedUntil!.getTime() - h.clock().getTime()).toBe(10_000);
    const restarted = h.jobs.worker!;
    expect(await restarted.drain()).toBe(0); // the dead worker's lease still holds
    h.clock.advance(10);
    expect(await restarted.drain()).toBe(1);

    const [row] = await rowsOf(h);
    expect(server.requests.map((r) => r.idempotencyKey)).toEqual([row!.id, row!.id]);
    expect(server.emails).toHaveLength(1);
    expect(row).toMatchObject({ status: "sent", providerMessageId: server.emails[0]!.id });
  });

  it("a live worker renews its lease while it works, so no other worker takes the row; it is released when done", async () => {
    const { server, h } = await setup();
    await requestFor(h, "cal@example.com");
    const busy = stalledWorker(h, { renewEveryMs: 20 });
    await busy.accepted;
    const claimedAt = h.clock().getTime();

    h.clock.advance(8);
    await vi.waitFor(async () => expect((await rowsOf(h))[0]!.lockedUntil!.getTime()).toBe(claimedAt + 18_000), { timeout: 2_000, interval: 10 });
    h.clock.advance(5); // 13 s after the claim: past the first lease, inside the renewed one
    expect(await h.jobs.worker!.drain()).toBe(0);

    busy.finish();
    expect(await busy.draining).toBe(1);
    expect((await rowsOf(h))[0]).toMatchObject({ status: "sent", lockedUntil: null, lockedBy: null });
    expect(server.requests).toHaveLength(1);
  });

  it("a row worked on longer than maxHoldMs is wedged: its lease is no longer renewed and another worker takes it", async () => {
    const { server, h } = await setup();
    await requestFor(h, "dan@example.com");
    const wedged = stalledWorker(h, { renewEveryMs: 20, maxHoldMs: 100 });
    await wedged.accepted;
    await new Promise((resolve) => setTimeout(resolve, 200)); // renewals stop after 100 ms
    h.clock.advance(10);
    expect(await h.jobs.worker!.drain()).toBe(1);
    expect(server.emails).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
    wedged.finish();
    await wedged.draining;
    expect((await rowsOf(h))[0]).toMatchObject({ status: "sent", attempts: 0 });
  });

  it("stop() waits a bounded time, then releases rows still being worked on: another worker takes them at once", async () => {
    const { server, h } = await setup();
    await requestFor(h, "eli@example.com");
    const stopping = stalledWorker(h, { renewEveryMs: 20 });
    await stopping.accepted;

    const started = performance.now();
    await stopping.worker.stop({ timeoutMs: 50 });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect((await rowsOf(h))[0]).toMatchObject({ status: "pending", lockedUntil: null, lockedBy: null });
    expect(await stopping.worker.drain()).toBe(0); // a stopped worker claims nothing

    expect(await h.jobs.worker!.drain()).toBe(1); // no lease to wait out
    expect(server.emails).toHaveLength(1);
    // The abandoned job finishing late changes nothing: the row is sent once.
    stopping.finish();
    await stopping.draining;
    const [row] = await rowsOf(h);
    expect(row).toMatchObject({ status: "sent", attempts: 0 });
    expect(server.requests).toHaveLength(2);
  });

  it("a worker whose lease lapsed cannot reschedule the row another worker now holds", async () => {
    const { server, h } = await setup();
    await requestFor(h, "fay@example.com");
    server.script("hang"); // the first send hangs until the transport's 1 s timeout
    const slow = new EmbeddedWorker(h.jobs.deps, { renewEveryMs: 3_600_000 });
    const draining = slow.drain();
    await vi.waitFor(() => expect(server.requests).toHaveLength(1), { timeout: 2_000, interval: 5 });
    h.clock.advance(10);
    const taken = await claimDue(h.db, h.clock(), { leaseMs: 10_000, limit: 10 });
    expect(taken.rows).toHaveLength(1);

    await draining; // the slow worker's send timed out; its failure must not touch the row
    expect((await rowsOf(h))[0]).toMatchObject({ status: "pending", attempts: 0, lockedBy: taken.id, lastError: null });
  });
});
