import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, test } from "@playwright/test";

// CONTRACT §5: start-up serves or stops. Each case starts the built server as operators do (apps/web/server.mjs)
// and reads what it prints; no browser is involved.

const SERVER = resolve(import.meta.dirname, "../../apps/web/server.mjs");
const SECRET = "operator-spec-secret-0123456789abcdefghijklmnop";

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const clean = { ...process.env };
  for (const name of ["DATABASE_URL", "RESEND_API_KEY", "EMAIL_FROM", "EMAIL_TRANSPORT", "APP_URL", "PORT", "HOST", "AUTH_SECRET"])
    delete clean[name];
  const child = spawn(process.execPath, [SERVER], {
    env: { ...clean, NODE_ENV: "production", LOG_LEVEL: "warn", DATA_DIR: mkdtempSync(join(tmpdir(), "rekey-start-")), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return { child, output: () => text, exited };
}

/** A TCP port that accepts connections and never says a word: a firewall or proxy in front of nothing. */
async function silentPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

async function freePort(): Promise<number> {
  const port = await silentPort();
  await port.close();
  return port.port;
}

async function stopsWith(started: Started, withinMs: number): Promise<number | null> {
  const code = await Promise.race([started.exited, new Promise<"hung">((done) => setTimeout(() => done("hung"), withinMs))]);
  if (code === "hung") {
    started.child.kill("SIGKILL");
    throw new Error(`still running after ${withinMs} ms:\n${started.output()}`);
  }
  return code;
}

test.describe("an operator starts the server", () => {
  test("on a port another process holds: it stops with one line naming the port, and advertises nothing", async () => {
    const holder = await silentPort();
    try {
      const started = start({ PORT: String(holder.port) });
      expect(await stopsWith(started, 60_000)).toBe(1);
      const output = started.output();
      expect(output).toContain(`Rekey cannot start: 127.0.0.1:${holder.port}: the port is already in use`);
      expect(output).not.toContain("listening on");
      expect(output).not.toContain("Demo account");
      expect(output).not.toContain("/dev/mailbox");
    } finally {
      await holder.close();
    }
  });

  test("with a database that never answers: it stops within seconds, naming the host but not the password", async () => {
    const database = await silentPort();
    try {
      const began = Date.now();
      const started = start({
        DATABASE_URL: `postgres://rekey:hunter2-db-password@127.0.0.1:${database.port}/rekey`,
        AUTH_SECRET: SECRET,
        EMAIL_TRANSPORT: "mailbox",
        PORT: String(await freePort()),
      });
      expect(await stopsWith(started, 30_000)).toBe(1);
      const output = started.output();
      expect(output).toContain(`DATABASE_URL: PostgreSQL at 127.0.0.1:${database.port}/rekey did not answer within 5 s`);
      expect(output).not.toContain("hunter2-db-password");
      expect(output).not.toContain("listening on");
      console.info(`[start-up] unreachable database: stopped ${Date.now() - began} ms after launch`);
    } finally {
      await database.close();
    }
  });

  for (const [what, env, line] of [
    [
      "with a real database and no email transport: it refuses to drop mail silently",
      { DATABASE_URL: "postgres://rekey@127.0.0.1:1/rekey", AUTH_SECRET: SECRET },
      /EMAIL_TRANSPORT: no email transport chosen although DATABASE_URL is set/,
    ],
    ["with Resend and no sender: it asks for EMAIL_FROM", { RESEND_API_KEY: "re_operator_spec" }, /EMAIL_FROM: is required with Resend/],
    ["with a malformed APP_URL: it names the setting and the value", { APP_URL: "not-a-url" }, /APP_URL: .*\(got "not-a-url"\)/],
    ["with a port out of range: it names the setting and the value", { PORT: "70000" }, /PORT: must be a whole number from 1 to 65535, got "70000"/],
  ] as const) {
    test(what, async () => {
      const started = start({ PORT: String(await freePort()), ...env });
      expect(await stopsWith(started, 60_000)).toBe(1);
      expect(started.output()).toMatch(/Rekey cannot start: Invalid configuration:/);
      expect(started.output()).toMatch(line);
      expect(started.output()).not.toContain("listening on");
    });
  }

  test("with only PORT: links and the banner use that port, and Ctrl-C stops it cleanly", async ({ request }) => {
    const port = await freePort();
    const started = start({ PORT: String(port) });
    await expect.poll(() => started.output(), { timeout: 60_000 }).toContain("Rekey listening on");
    const output = started.output();
    expect(output).toContain(`Rekey listening on http://localhost:${port}`);
    expect(output).toContain(`Emails are kept in the local mailbox: http://localhost:${port}/dev/mailbox`);
    const demo = /Demo account: (\S+@\S+)/.exec(output)?.[1];
    expect(demo, output).toBeTruthy();

    const asked = await request.post(`http://127.0.0.1:${port}/api/v1/user/requestPasswordReset`, { data: { email: demo } });
    expect(asked.status()).toBe(200);
    await expect
      .poll(
        async () =>
          (await (await request.get(`http://127.0.0.1:${port}/dev/mailbox`)).text()).includes(`http://localhost:${port}/reset-password?token=`),
        {
          timeout: 20_000,
        },
      )
      .toBe(true);

    started.child.kill("SIGINT");
    expect(await stopsWith(started, 10_000)).toBe(0);
    expect(started.output()).toContain("Rekey stopped");
  });

  test("with Resend: the banner names the sender and never the local mailbox", async () => {
    const started = start({
      PORT: String(await freePort()),
      RESEND_API_KEY: "re_operator_spec",
      RESEND_BASE_URL: "http://127.0.0.1:9",
      EMAIL_FROM: "Rekey <no-reply@example.com>",
    });
    await expect.poll(() => started.output(), { timeout: 60_000 }).toContain("Rekey listening on");
    expect(started.output()).toContain("Emails are sent through Resend at http://127.0.0.1:9 from Rekey <no-reply@example.com>");
    expect(started.output()).not.toContain("/dev/mailbox");
    started.child.kill("SIGTERM");
    expect(await stopsWith(started, 10_000)).toBe(0);
  });
});
