import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emailOutbox, openDatabase } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { TEST_SECRET } from "./testing";
import { CHILD, DELIVERY_THREAD, freePort } from "./testing/processes";

const targets = await testDatabases();

/** Starts a real API process and resolves once it listens. */
async function startChild(env: Record<string, string>): Promise<{ child: ChildProcess; output: string[]; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, ...env, PORT: String(port), APP_URL: `http://localhost:${port}`, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("listening on")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    child.once("exit", (code) => reject(new Error(`child exited ${code} before listening:\n${output.join("")}`)));
  });
  return { child, output, url: `http://127.0.0.1:${port}` };
}

const post = (url: string, name: string, body: unknown) =>
  fetch(`${url}/api/v1/user/${name}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/**
 * A POST whose head and first half are sent now and whose rest is sent by `finish()`: the server is
 * certainly working on it in between. Resolves with the status, or rejects on a socket error.
 */
function halfSent(url: string, name: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const { hostname, port } = new URL(url);
  const req = request({
    hostname,
    port,
    method: "POST",
    path: `/api/v1/user/${name}`,
    agent: false,
    headers: { "content-type": "application/json", "content-length": bytes.length },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
  req.write(bytes.subarray(0, bytes.length >> 1));
  req.flushHeaders();
  return { status, finish: () => req.end(bytes.subarray(bytes.length >> 1)) };
}

describe.each(targets)("SIGTERM with requests in flight on $name (CONTRACT §5)", (target) => {
  it("answers every request in flight, keeps every reset it accepted, refuses new ones and exits 0 within 10 s", { timeout: 90_000 }, async () => {
    const database = target.name === "postgres" ? await target.create() : undefined;
    const dataDir = mkdtempSync(join(tmpdir(), "rekey-stop-"));
    const env: Record<string, string> = { AUTH_SECRET: TEST_SECRET, CAPTCHA: "off", RATE_LIMITS: "off", LOG_LEVEL: "warn", DATA_DIR: dataDir };
    // On PostgreSQL, delivery runs in its thread, as the app runs it: the thread is stopped with the rest.
    if (database?.url) Object.assign(env, { DATABASE_URL: database.url, EMAIL_TRANSPORT: "mailbox", REKEY_DELIVERY_THREAD: DELIVERY_THREAD });
    const { child, output, url } = await startChild(env);
    try {
      expect((await post(url, "register", { email: "stop@example.com", username: "stopper", password: "Lantern-Stop-4417" })).status).toBe(200);

      // Sign-ins hash with argon2 and resets write outbox rows. Each request is half sent when the signal
      // comes and finished after it: the server is certainly in the middle of every one of them.
      const inFlight = Array.from({ length: 24 }, (_, i) =>
        i % 2 === 0
          ? halfSent(url, "login", { account: "stopper", password: i % 4 === 0 ? "Lantern-Stop-4417" : "wrong-password-1" })
          : halfSent(url, "requestPasswordReset", { email: i % 3 === 0 ? "stop@example.com" : `nobody${i}@example.com` }),
      );
      // One full round trip after the half requests were written: by then the server has read their heads.
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      const signalledAt = Date.now();
      child.kill("SIGTERM");
      // The rest of each body goes out once the process says it is stopping.
      await new Promise<void>((resolve) => {
        const check = () => (output.join("").includes("Rekey stopping") ? resolve() : child.stdout!.once("data", check));
        check();
      });
      expect(output.join("")).toMatch(/finishing 24 request\(s\) in flight/);
      for (const r of inFlight) r.finish();

      const answers = await Promise.allSettled(inFlight.map((r) => r.status));
      const statuses = answers.map((a) => (a.status === "fulfilled" ? a.value : `socket error: ${String(a.reason)}`));
      for (const status of statuses)
        expect([200, 401], `every request in flight gets its answer (${statuses.join(", ")})\n${output.join("")}`).toContain(status);

      expect(await exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect(output.join("")).toContain("Rekey stopped");
      await expect(fetch(`${url}/api/health`)).rejects.toThrow();

      // Every reset request that was answered 200 has its outbox row: nothing accepted was dropped.
      const accepted = statuses.filter((status, i) => i % 2 === 1 && status === 200).length;
      const check = database ?? (await openDatabase({ dataDir }));
      try {
        const rows = await check.db.select().from(emailOutbox);
        expect(rows.filter((row) => row.kind === "password_reset")).toHaveLength(accepted);
      } finally {
        if (!database) await check.close();
      }
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
