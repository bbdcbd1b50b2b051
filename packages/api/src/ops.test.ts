import { testDatabases } from "@rekey/db/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { REMOTE_ADDR_HEADER } from "./client-ip";
import { opsResponse } from "./http/ops";
import { createUser, requestReset } from "./testing/flows";
import { startOpsRig, type OpsRig } from "./testing/ops";

const targets = await testDatabases();
const open: OpsRig[] = [];
afterEach(async () => {
  for (const rig of open.splice(0)) await rig.close();
});
async function rig(target: (typeof targets)[number], env: Record<string, string> = {}): Promise<OpsRig> {
  const started = await startOpsRig(target, env);
  open.push(started);
  return started;
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** A 10-minute link that waited 601 s, one refused for good, one rate-limited (Retry-After 30 s), one not tried yet. */
async function fourStates(r: OpsRig) {
  const worker = r.runtime.jobs.worker!;
  for (const email of ["ella@example.com", "dan@example.com", "rob@example.com", "pat@example.com"]) await createUser(r.runtime, { email });
  const expired = await requestReset(r.runtime, "ella@example.com");
  r.clock.advance(601);
  await worker.drain();
  r.refuse("refuse");
  const dead = await requestReset(r.runtime, "dan@example.com");
  await worker.drain();
  r.clock.advance(1);
  r.refuse({ retryAfterSeconds: 30 });
  const retrying = await requestReset(r.runtime, "rob@example.com");
  await worker.drain();
  r.clock.advance(1);
  const pending = await requestReset(r.runtime, "pat@example.com");
  r.clock.advance(4);
  return { expired, dead, retrying, pending };
}

describe.each(targets)("pnpm rekey outbox: the operators' endpoints on $name", (target) => {
  it("list pending, retrying, dead and expired mail with masked recipient, reason and age; ?state narrows", async () => {
    const r = await rig(target);
    const ids = await fourStates(r);
    const all = await r.call("/api/ops/outbox");
    expect(all.status).toBe(200);
    expect(all.headers["cache-control"]).toBe("no-store");
    expect(all.body.counts).toEqual({ pending: 1, retrying: 1, sent: 0, skipped: 0, dead: 1, expired: 1 });
    expect(all.body.oldest_pending_seconds).toBe(5);
    expect(all.body.rows).toEqual([
      expect.objectContaining({ id: ids.pending, state: "pending", recipient: "p***@example.com", attempts: 0, age_seconds: 4, reason: null }),
      expect.objectContaining({
        id: ids.retrying,
        state: "retrying",
        recipient: "r***@example.com",
        attempts: 1,
        age_seconds: 5,
        next_attempt_in_seconds: 25,
      }),
      expect.objectContaining({ id: ids.dead, state: "dead", recipient: "d***@example.com", attempts: 1, age_seconds: 6, deadline_in_seconds: 594 }),
      expect.objectContaining({ id: ids.expired, state: "expired", recipient: "e***@example.com", age_seconds: 607, deadline_in_seconds: -7 }),
    ]);
    expect(all.body.rows[1].reason).toContain("429");
    expect(all.body.rows[2].reason).toContain("422");
    expect(all.body.rows[3].reason).toMatch(/deadline/);
    expect(JSON.stringify(all.body)).not.toMatch(/(ella|dan|rob|pat)@/);

    const dead = await r.call("/api/ops/outbox?state=dead");
    expect(dead.body.rows.map((row: { id: string }) => row.id)).toEqual([ids.dead]);
    expect(dead.body.counts.pending).toBe(1);
    expect((await r.call("/api/ops/outbox?limit=1")).body.rows.map((row: { id: string }) => row.id)).toEqual([ids.pending]);
  });

  it("a bad state or limit is a 400 envelope naming the field", async () => {
    const r = await rig(target);
    const state = await r.call("/api/ops/outbox?state=stuck", { headers: { "accept-language": "en" } });
    expect(state.status).toBe(400);
    expect(state.body).toEqual({
      code: 501,
      msg: "Invalid parameters",
      data: { issues: [{ path: "state", message: expect.stringContaining("dead") }] },
    });
    for (const limit of ["0", "abc", "2.5", "-1", "1001", ""]) {
      const answer = await r.call(`/api/ops/outbox?limit=${limit}`);
      expect([answer.status, answer.body.data.issues[0].path], limit).toEqual([400, "limit"]);
    }
    const bodies: [unknown, string][] = [
      [{}, "ids"],
      [{ ids: [] }, "ids"],
      [{ ids: ["------------------------------------"] }, "ids.0"],
      [{ ids: ["00000000-0000-4000-8000-000000000000", 7] }, "ids.1"],
      [{ dead: false }, "dead"],
      [{ dead: true, ids: ["00000000-0000-4000-8000-000000000000"] }, "dead"],
    ];
    for (const [body, path] of bodies) {
      const answer = await r.call("/api/ops/outbox/requeue", json(body));
      expect([answer.status, answer.body.code, answer.body.data.issues[0].path], JSON.stringify(body)).toEqual([400, 501, path]);
    }
    expect((await r.call("/api/ops/outbox/requeue", { method: "POST", body: "{not json" })).status).toBe(400);
    expect((await r.call("/api/ops/outbox", { method: "DELETE" })).status).toBe(405);
    expect((await r.call("/api/ops/outbox/requeue")).headers.allow).toBe("POST");
    expect((await r.call("/api/ops/nothing")).body).toMatchObject({ code: 404 });
  });

  it("re-queues a dead email: pending again, and the running worker delivers it to the mailbox", async () => {
    const r = await rig(target);
    r.runtime.jobs.worker!.start();
    const user = await createUser(r.runtime, { email: "dana@example.com" });
    r.refuse("refuse");
    const id = await requestReset(r.runtime, user.email);
    await vi.waitFor(async () => expect((await r.call("/api/ops/outbox?state=dead")).body.rows).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(await r.delivered()).toEqual([]);

    const answer = await r.call("/api/ops/outbox/requeue", json({ ids: [id] }));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ requeued: [id], too_late: [], not_dead: [], wake_error: null });
    await vi.waitFor(async () => expect(await r.delivered()).toEqual(["dana@example.com"]), { timeout: 10_000, interval: 20 });
    // The row is marked sent just after the provider took the message.
    await vi.waitFor(
      async () => expect((await r.call("/api/ops/outbox?state=sent")).body.rows).toEqual([expect.objectContaining({ id, state: "sent" })]),
      {
        timeout: 10_000,
        interval: 20,
      },
    );
    const after = await r.call("/api/ops/outbox?state=sent");
    expect(after.body.counts.dead).toBe(0);
    expect((await r.call("/api/ops/outbox/requeue", json({ ids: [id] }))).body).toMatchObject({ requeued: [], not_dead: [{ id, state: "sent" }] });
  });

  it("a dead reset email whose link has expired is reported too_late and stays dead", async () => {
    const r = await rig(target);
    const user = await createUser(r.runtime, { email: "tom@example.com" });
    r.refuse("refuse");
    const id = await requestReset(r.runtime, user.email);
    await r.runtime.jobs.worker!.drain();
    r.clock.advance(600);
    const answer = await r.call("/api/ops/outbox/requeue", json({ dead: true }));
    expect(answer.body).toEqual({ requeued: [], too_late: [id], not_dead: [], wake_error: null });
    expect((await r.call("/api/ops/outbox?state=dead")).body.rows).toEqual([expect.objectContaining({ id, state: "dead", deadline_in_seconds: 0 })]);
    await r.runtime.jobs.worker!.drain();
    expect(await r.delivered()).toEqual([]);
  });

  it("answers nothing but the 404 envelope to a request that is not from this machine; health detail likewise", async () => {
    const r = await rig(target);
    await createUser(r.runtime, { email: "kim@example.com" });
    r.refuse("refuse");
    await requestReset(r.runtime, "kim@example.com");
    await r.runtime.jobs.worker!.drain();
    const elsewhere: Record<string, string>[] = [
      { "x-forwarded-for": "203.0.113.9" },
      { "x-forwarded-for": "127.0.0.1, 203.0.113.9" },
      { "x-real-ip": "198.51.100.7" },
      { forwarded: 'for="[2001:db8::1]:4711"' },
      { host: "evil.example" },
      { host: "evil.example:3000" },
      { origin: "http://evil.example" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of elsewhere) {
      for (const [path, init] of [
        ["/api/ops/outbox", {}],
        ["/api/ops/outbox/requeue", json({ dead: true })],
      ] as const) {
        const answer = await r.call(path, { ...init, headers: { ...("headers" in init ? init.headers : {}), ...headers } });
        expect([answer.status, answer.body], `${path} ${JSON.stringify(headers)}`).toEqual([404, { code: 404, msg: "接口不存在", data: null }]);
      }
      const health = await r.call("/api/health?detail=1", { headers });
      expect(health.body, JSON.stringify(headers)).toEqual({ status: "ok" });
    }
    // A client cannot claim to be the socket peer: the front overwrites the header from the socket.
    const direct = (peer: string) =>
      opsResponse(
        {
          method: "GET",
          url: "http://localhost/api/ops/outbox",
          headers: new Headers({ [REMOTE_ADDR_HEADER]: peer, host: "localhost" }),
          body: null,
        },
        r.runtime,
        "/api/ops/outbox",
      );
    for (const peer of ["192.168.1.23", "10.0.0.7", "fe80::1", ""]) expect((await direct(peer)).status, peer).toBe(404);
    expect((await direct("::ffff:127.0.0.1")).status).toBe(200);
    expect((await r.call("/api/ops/outbox", { headers: { host: "rekey.test" } })).status).toBe(200);
    expect((await r.call("/api/ops/outbox", { headers: { host: "localhost:3000", origin: "http://rekey.test" } })).status).toBe(200);
    expect((await r.call("/api/ops/outbox?state=dead")).body.rows).toHaveLength(1);
  });

  it("behind a trusted proxy, only what it forwards for this machine passes", async () => {
    const r = await rig(target, { TRUST_PROXY: "1" });
    expect((await r.call("/api/ops/outbox", { headers: { "x-forwarded-for": "127.0.0.1" } })).status).toBe(200);
    expect((await r.call("/api/ops/outbox", { headers: { "x-forwarded-for": "203.0.113.9" } })).status).toBe(404);
    expect((await r.call("/api/ops/outbox", { headers: { "x-forwarded-for": "127.0.0.1, 203.0.113.9" } })).status).toBe(404);
  });

  it("GET /api/health?detail=1 adds the queue's counts for this machine; plain /api/health is unchanged", async () => {
    const r = await rig(target);
    await fourStates(r);
    const plain = await r.call("/api/health");
    expect([plain.status, plain.body]).toEqual([200, { status: "ok" }]);
    const detail = await r.call("/api/health?detail=1");
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual({
      status: "ok",
      outbox: { pending: 1, retrying: 1, sent: 0, skipped: 0, dead: 1, expired: 1, oldest_pending_seconds: 5 },
    });
    expect((await r.call("/api/health?detail=yes")).body).toEqual({ status: "ok" });
    expect((await r.call("/api/health?detail=1", { method: "HEAD" })).status).toBe(200);
  });
});
