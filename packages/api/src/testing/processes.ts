// Real API processes (serve-child.ts), a provider gate and a request stream: the crash and stop tests.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { hashPassword } from "@rekey/auth";
import { emailOutbox, users, type Database, type OutboxRow } from "@rekey/db";
import { freePort } from "@rekey/testing";
import { expect, vi } from "vitest";
import { type CaptureServer } from "../../../jobs/src/testing/capture-server";
import { TEST_SECRET } from ".";

export { freePort } from "@rekey/testing";

/** The delivery thread's entry, as apps/web/server.mjs sets it. */
export const DELIVERY_THREAD = join(import.meta.dirname, "..", "..", "..", "jobs", "src", "thread", "entry.mjs");
export const CHILD = join(import.meta.dirname, "serve-child.ts");
/**
 * tsx applies a tsconfig only to the files it includes: run from this package, the email templates (in
 * @rekey/email) would get the classic JSX transform and fail with "React is not defined". This one covers
 * every workspace package's sources, with the automatic JSX runtime.
 */
const CHILD_TSCONFIG = join(import.meta.dirname, "serve-child.tsconfig.json");
/** The worker's lease (10 s, renewed every 3 s) plus room for a loaded machine. */
export const TAKEN_OVER_WITHIN_MS = 15_000;
/** How long the instance that dies has been stuck on its provider when it is killed (two instances). */
export const HOLD_BEFORE_KILL_MS = 5_000;
/** A request is sent this often while the stream runs. */
const STREAM_EVERY_MS = 50;

/** Run by {@link runCleanups} (the suite's afterEach), last registered first, whether the test passed or not. */
export const cleanups: Array<() => unknown> = [];

export async function runCleanups(): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

export interface Instance {
  name: string;
  child: ChildProcess;
  url: string;
  port: number;
  output: string[];
  exited: Promise<void>;
  /** When it printed "listening on" (ms since the epoch). */
  readyAt: number;
}

function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  return gone;
}

/** Starts a real API process (killed in afterEach if still alive) and resolves once it listens. */
export async function startInstance(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
  const listenOn = port ?? (await freePort());
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, TSX_TSCONFIG_PATH: CHILD_TSCONFIG, NODE_ENV: "production", ...env, PORT: String(listenOn) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => killHard(child));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const output: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("listening on")) resolve();
    });
    child.once("exit", (code, signal) => reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${output.join("")}`)));
  });
  return { name, child, url: `http://127.0.0.1:${listenOn}`, port: listenOn, output, exited, readyAt: Date.now() };
}

export interface HeldSend {
  key: string;
  /** The provider got (and accepted) this one before the app was left waiting. */
  forwarded: boolean;
  /** When the instance sent it (ms since the epoch). */
  at: number;
  /** When the provider had answered the passed-on copy (ms since the epoch); only when `forwarded`. */
  forwardedAt?: number;
}

/**
 * An HTTP hop between one instance and the capture server. Open, it passes requests and answers through.
 * Shut, it never answers: every other request is first passed on (and accepted by the provider).
 */
export interface Gate {
  url: string;
  shut(): void;
  open(): void;
  held: HeldSend[];
  close(): Promise<void>;
}

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function startGate(upstream: string): Promise<Gate> {
  let shut = false;
  let heldSoFar = 0;
  const held: HeldSend[] = [];
  const sockets = new Set<Socket>();
  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) => {
    const pass: Record<string, string> = {};
    for (const name of ["authorization", "content-type", "idempotency-key", "user-agent"]) {
      const value = one(headers, name);
      if (value !== undefined) pass[name] = value;
    }
    return fetch(`${upstream}${path}`, { method, headers: pass, body, signal: AbortSignal.timeout(10_000) });
  };
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const method = req.method ?? "POST";
      const path = req.url ?? "/";
      void (async () => {
        if (shut) {
          const at = Date.now();
          const key = one(req.headers, "idempotency-key") ?? "";
          const forwarded = heldSoFar++ % 2 === 1;
          if (!forwarded) return void held.push({ key, forwarded, at });
          await (await forward(method, path, req.headers, body)).arrayBuffer();
          held.push({ key, forwarded, at, forwardedAt: Date.now() });
          return; // never answered
        }
        const answer = await forward(method, path, req.headers, body);
        const text = await answer.text();
        const headers: Record<string, string> = { "content-type": answer.headers.get("content-type") ?? "application/json" };
        const retryAfter = answer.headers.get("retry-after");
        if (retryAfter) headers["retry-after"] = retryAfter;
        res.writeHead(answer.status, headers);
        res.end(text);
      })().catch(() => res.destroy());
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    shut: () => void (shut = true),
    open: () => void (shut = false),
    held,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Accounts written straight into the database, sharing one argon2 hash (registering hashes each one). */
export async function createAccounts(db: Database, prefix: string, count: number): Promise<string[]> {
  const passwordHash = await hashPassword("Crash-Recovery-Pass-7731");
  const rows = Array.from({ length: count }, (_, i) => ({ email: `${prefix}${i}@example.com`, username: `${prefix}${i}`, passwordHash }));
  await db.insert(users).values(rows);
  return rows.map((row) => row.email);
}

export interface Sent {
  email: string;
  known: boolean;
  via: string;
  at: number;
  /** When its answer (or error) came. */
  doneAt?: number;
  /** The HTTP status, or the socket error of a request its instance died under. */
  status: number | string;
}

/**
 * A stream of reset requests, one every STREAM_EVERY_MS, each for an address never asked for before: every
 * 7th one unknown, the others known accounts. `route` picks the instance for the n-th request, or none (skip
 * this tick). Runs until stop() (afterEach stops it too).
 */
export function startStream(known: string[], route: (n: number) => Instance | undefined) {
  const sent: Sent[] = [];
  const inFlight: Promise<void>[] = [];
  let n = 0;
  let stopped = false;
  let ghost = 0;
  let next = 0;
  const send = (instance: Instance, email: string, isKnown: boolean) => {
    const entry: Sent = { email, known: isKnown, via: instance.name, at: Date.now(), status: "pending" };
    sent.push(entry);
    inFlight.push(
      fetch(`${instance.url}/api/v1/user/requestPasswordReset`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email }),
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (res) => {
          await res.arrayBuffer();
          entry.status = res.status;
        })
        .catch((error: unknown) => {
          entry.status = `socket error: ${String((error as Error).cause ?? error)}`;
        })
        .finally(() => (entry.doneAt = Date.now())),
    );
  };
  const loop = (async () => {
    while (!stopped) {
      const instance = route(n);
      if (instance) {
        const isKnown = n % 7 !== 3;
        const email = isKnown ? known[next++] : `ghost${ghost++}-${Date.now()}@example.com`;
        if (email === undefined) throw new Error("the stream ran out of accounts: create more");
        send(instance, email, isKnown);
      }
      n++;
      await new Promise((resolve) => setTimeout(resolve, STREAM_EVERY_MS));
    }
  })();
  // Its error (out of accounts) is reported by stop(), which afterEach calls even when a wait timed out first.
  loop.catch(() => {});
  const stop = async (): Promise<Sent[]> => {
    stopped = true;
    await loop;
    await Promise.all(inFlight);
    return sent;
  };
  cleanups.push(stop);
  return {
    sent,
    answered: (via?: string) => sent.filter((s) => s.status === 200 && (via === undefined || s.via === via)).length,
    /** Stops sending and resolves once every request sent has its answer (or its error). */
    stop,
  };
}

export const slowest = (sent: Sent[]) => Math.max(...sent.filter((s) => s.status === 200).map((s) => (s.doneAt ?? s.at) - s.at));

const recipient = (to: string | string[]) => (Array.isArray(to) ? to.join(",") : to);

/**
 * What a person would notice, checked for every request of the stream: an answered request gets exactly one
 * email (one outbox row, sent, with exactly one accepted message) and an unknown address none (its row is
 * skipped); a request that died with its instance gets at most one. Every accepted message belongs to a row.
 */
export function checkDelivery(sent: Sent[], rows: OutboxRow[], capture: CaptureServer): void {
  const rowsTo = new Map<string, OutboxRow[]>();
  for (const row of rows) rowsTo.set(row.recipient, [...(rowsTo.get(row.recipient) ?? []), row]);
  const emailsTo = new Map<string, string[]>();
  for (const email of capture.emails) {
    const to = recipient(email.to);
    emailsTo.set(to, [...(emailsTo.get(to) ?? []), email.idempotencyKey ?? "(no key)"]);
  }
  const requested = new Set(sent.map((s) => s.email));
  for (const s of sent) {
    const mine = rowsTo.get(s.email) ?? [];
    const mail = emailsTo.get(s.email) ?? [];
    const what = `${s.email} via ${s.via} (${String(s.status)})`;
    if (s.status === 200) expect(mine, `${what}: one outbox row`).toHaveLength(1);
    else expect(mine.length, `${what}: at most one outbox row`).toBeLessThanOrEqual(1);
    const row = mine[0];
    if (!row) {
      expect(mail, `${what}: no row, no email`).toEqual([]);
      continue;
    }
    if (s.known) {
      expect(row.status, `${what}: row ${row.id} sent`).toBe("sent");
      expect(mail, `${what}: exactly one accepted email, keyed by its row`).toEqual([row.id]);
    } else {
      expect(row.status, `${what}: unknown address skipped`).toBe("skipped");
      expect(mail, `${what}: no email to an unknown address`).toEqual([]);
    }
  }
  for (const row of rows) expect(requested.has(row.recipient), `row ${row.id} belongs to a request`).toBe(true);
  expect(capture.emails, "one accepted email per sent row, no other").toHaveLength(rows.filter((row) => row.status === "sent").length);
}

export async function allSettled(db: Database): Promise<OutboxRow[]> {
  let rows: OutboxRow[] = [];
  await vi.waitFor(
    async () => {
      rows = await db.select().from(emailOutbox);
      expect(rows.filter((row) => row.status === "pending").map((row) => row.id)).toEqual([]);
    },
    { timeout: 40_000, interval: 200 },
  );
  return rows;
}

export const baseEnv = {
  AUTH_SECRET: TEST_SECRET,
  CAPTCHA: "off",
  RATE_LIMITS: "off",
  LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
  RESEND_API_KEY: "re_crash_recovery_test",
  EMAIL_FROM: "Rekey <no-reply@rekey.test>",
  // One public address for every instance, as behind a load balancer: the same row renders the same email
  // in either instance, so a re-send after a crash is a true replay of its idempotency key.
  APP_URL: "http://rekey.test",
};

/**
 * A row the killed process held: nobody else sent it while that process lived (only its own POST, when the
 * gate passed it on, came before the kill); one the provider had accepted was sent again with the same key
 * (a replay); and it is one accepted email.
 */
export function checkHeldSentOnce(held: Pick<HeldSend, "key" | "forwarded" | "forwardedAt">, capture: CaptureServer, killedAt: number): void {
  const posts = capture.requests.filter((r) => r.idempotencyKey === held.key);
  // The dead process's own copy can reach the provider just after the kill (it left the gate before): the
  // window closes when that copy was answered. `<=`: it is stamped in the same millisecond or earlier.
  const until = Math.max(killedAt, held.forwardedAt ?? 0);
  expect(posts.filter((r) => r.at.getTime() <= until).length, `${held.key}: posts before the kill`).toBe(held.forwarded ? 1 : 0);
  if (held.forwarded) expect(posts.length, `${held.key}: re-sent with the same key`).toBeGreaterThanOrEqual(2);
  expect(
    capture.emails.filter((e) => e.idempotencyKey === held.key),
    `${held.key}: one accepted email`,
  ).toHaveLength(1);
}
