import { execFile } from "node:child_process";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { testDatabases } from "@rekey/db/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createUser, requestReset } from "./testing/flows";
import { startOpsRig, type OpsRig } from "./testing/ops";

/** `pnpm rekey` runs this file (the root package.json's "rekey" script). */
const CLI = resolve(import.meta.dirname, "../../../apps/web/scripts/rekey.mjs");
const targets = await testDatabases();

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command as an operator would, against `env` (REKEY_URL or PORT). */
function rekey(args: string[], env: Record<string, string>): Promise<Run> {
  const { REKEY_URL: _url, PORT: _port, ...inherited } = process.env;
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...inherited, ...env }, timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  open.push({ close: () => new Promise<void>((closed) => (server.closeAllConnections(), server.close(() => closed()))) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A reverse proxy on this machine that forwards for a client elsewhere (what nginx in front would do). */
function proxyFor(target: string, clientIp: string): Server {
  return createServer((req, res) => {
    const upstream = new URL(target);
    const headers = { ...req.headers, host: upstream.host, "x-forwarded-for": clientIp };
    const forward = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    req.pipe(forward);
  });
}

describe.each(targets)("pnpm rekey outbox on $name", (target) => {
  async function rig(): Promise<OpsRig> {
    const started = await startOpsRig(target);
    open.push(started);
    return started;
  }

  it("list prints a table of what waits or failed (masked), with the counts; --state and --json narrow and script it", async () => {
    const r = await rig();
    for (const email of ["dina@example.com", "paul@example.com"]) await createUser(r.runtime, { email });
    r.refuse("refuse");
    const dead = await requestReset(r.runtime, "dina@example.com");
    await r.runtime.jobs.worker!.drain();
    r.clock.advance(90);
    const pending = await requestReset(r.runtime, "paul@example.com");

    const list = await rekey(["outbox", "list"], { REKEY_URL: r.url });
    expect(list).toMatchObject({ code: 0, stderr: "" });
    const lines = list.stdout.split("\n");
    expect(lines[1]).toBe("pending 1 · retrying 0 · sent 0 · skipped 0 · dead 1 · expired 0  (oldest waiting: 0s)");
    expect(lines.find((line) => line.startsWith("ID"))).toMatch(/^ID +KIND +STATE +RECIPIENT +ATTEMPTS +AGE +NEXT ATTEMPT +DEADLINE +REASON$/);
    const deadLine = lines.find((line) => line.startsWith(dead))!;
    expect(deadLine.split(/ {2,}/)).toEqual([
      dead,
      "password_reset",
      "dead",
      "d***@example.com",
      "1",
      "1m30s",
      "-",
      "in 8m30s",
      expect.stringContaining("422"),
    ]);
    const pendingLine = lines.find((line) => line.startsWith(pending))!;
    expect(pendingLine.split(/ {2,}/)).toEqual([pending, "password_reset", "pending", "p***@example.com", "0", "0s", "due", "in 10m00s", "-"]);
    expect(list.stdout).not.toMatch(/(dina|paul)@/);

    const json = await rekey(["outbox", "list", "--state", "dead", "--json"], { REKEY_URL: r.url });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { counts: Record<string, number>; rows: { id: string; state: string }[] };
    expect(parsed.rows.map((row) => [row.id, row.state])).toEqual([[dead, "dead"]]);
    expect(parsed.counts).toMatchObject({ pending: 1, dead: 1 });
    // PORT is honoured when REKEY_URL is not set.
    const byPort = await rekey(["outbox", "list", "--state=pending", "--limit=1"], { PORT: new URL(r.url).port });
    expect(byPort.code).toBe(0);
    expect(byPort.stdout).toContain(pending);
    expect(byPort.stdout).not.toContain(dead);
  });

  it("requeue ID and requeue --dead put dead mail back; the worker delivers it; what stays is explained", async () => {
    const r = await rig();
    r.runtime.jobs.worker!.start();
    for (const email of ["luz@example.com", "mo@example.com"]) await createUser(r.runtime, { email });
    r.refuse("refuse", "refuse");
    const first = await requestReset(r.runtime, "luz@example.com");
    const second = await requestReset(r.runtime, "mo@example.com");
    await vi.waitFor(async () => expect((await r.call("/api/ops/outbox?state=dead")).body.rows).toHaveLength(2), { timeout: 10_000, interval: 20 });

    const one = await rekey(["outbox", "requeue", first], { REKEY_URL: r.url });
    expect(one).toMatchObject({ code: 0, stderr: "" });
    expect(one.stdout).toBe(`Re-queued 1:\n  ${first}\n`);
    await vi.waitFor(async () => expect(await r.delivered()).toEqual(["luz@example.com"]), { timeout: 10_000, interval: 20 });
    const again = await rekey(["outbox", "requeue", first], { REKEY_URL: r.url });
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`Not dead, left as they are:\n  ${first} (sent)`);

    r.clock.advance(600);
    const all = await rekey(["outbox", "requeue", "--dead"], { REKEY_URL: r.url });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`Nothing re-queued.\nLeft dead, their link has expired (the person can ask for a new one):\n  ${second}\n`);
    expect((await r.call("/api/ops/outbox?state=dead")).body.rows.map((row: { id: string }) => row.id)).toEqual([second]);
  });

  it("exits non-zero with a clear message when the app is not running, or refuses, or the command is wrong", async () => {
    const r = await rig();
    const gone = createServer();
    const goneUrl = await listen(gone);
    await new Promise<void>((closed) => gone.close(() => closed()));
    const down = await rekey(["outbox", "list"], { REKEY_URL: goneUrl });
    expect(down).toMatchObject({ code: 1, stdout: "" });
    expect(down.stderr).toContain(`rekey: no answer from ${goneUrl} (ECONNREFUSED). Is the app running?`);

    const proxied = await listen(proxyFor(r.url, "203.0.113.9"));
    const refused = await rekey(["outbox", "requeue", "--dead"], { REKEY_URL: proxied });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${proxied} answered 404: the operators' endpoints answer only requests made on the app's own machine`);

    const notOurs = await rekey(["outbox", "list"], { REKEY_URL: `${r.url}/elsewhere` });
    expect(notOurs.code).toBe(1);
    expect(notOurs.stderr).toContain("answered 200 with something other than JSON");

    for (const args of [
      ["outbox", "list", "--state", "stuck"],
      ["outbox", "requeue"],
      ["outbox", "requeue", "not-an-id"],
      ["outbox", "list", "--limit", "0"],
      ["mail"],
    ]) {
      const wrong = await rekey(args, { REKEY_URL: r.url });
      expect([wrong.code, wrong.stderr.startsWith("rekey: ")], args.join(" ")).toEqual([2, true]);
    }
    expect((await rekey(["--help"], { REKEY_URL: r.url })).stdout).toContain("pnpm rekey outbox requeue --dead");
  });
});
