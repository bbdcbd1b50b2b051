import { hashPassword, type AuthDeps, type Logger, type RequestMeta } from "@rekey/auth";
import { emailOutbox, eq, users, type Database, type DatabaseHandle, type OutboxRow, type User } from "@rekey/db";
import { createResendTransport, type Transport } from "@rekey/email";
import { authDepsFor, fakeClock, wallClock, type FakeClock, type TestDatabase } from "@rekey/testing";
import { createJobs, type Jobs } from "../setup";
import type { WorkerOptions } from "../worker";
import { startCaptureServer, type CaptureServer } from "./capture-server";

export { deferred, fakeClock, openTestDatabase, type TestDatabase } from "@rekey/testing";
export { startCaptureServer, type CaptureServer } from "./capture-server";

/**
 * Test scaffolding for packages/jobs: the runtime pieces the API package would build (database, config,
 * auth deps, jobs), without depending on the API package.
 */

export const TEST_SECRET = "jobs-test-secret-Q7x2-0123456789abcdef0123456789";
export const RESEND_KEY = "re_test_JobsSuite_9f8e7d6c5b4a3210";
const EMAIL_FROM = "Rekey <no-reply@rekey.test>";
export const APP_URL = "http://rekey.test";
export const META: RequestMeta = { ip: "198.51.100.23", userAgent: "vitest/4 (jobs suite)", locale: "en" };

/**
 * Collects every log line of a suite (as JSON text, the way a JSON logger would write it) and the secrets
 * that must never appear in one. `leaks()` lists the lines that hold a secret.
 */
export class LeakWatch {
  readonly lines: string[] = [];
  private readonly secrets = new Set<string>();
  private readonly servers: CaptureServer[] = [];

  constructor(secrets: string[] = []) {
    for (const secret of secrets) this.secret(secret);
  }

  /** Our services' logger (pino-style: fields first, then the message). */
  readonly logger: Logger = {
    debug: (...args) => this.write("debug", args),
    info: (...args) => this.write("info", args),
    warn: (...args) => this.write("warn", args),
    error: (...args) => this.write("error", args),
  };

  /** For the Inngest client's `logger` option, which also passes strings and Error objects. */
  readonly anyLogger = {
    debug: (...args: unknown[]) => this.write("debug", args),
    info: (...args: unknown[]) => this.write("info", args),
    warn: (...args: unknown[]) => this.write("warn", args),
    error: (...args: unknown[]) => this.write("error", args),
  };

  /** One JSON line per call; errors keep their message, stack and own properties (cause included). */
  private write(level: string, args: unknown[]): void {
    this.lines.push(
      JSON.stringify({ level, args }, (_key, value: unknown) =>
        value instanceof Error ? { ...value, name: value.name, message: value.message, stack: value.stack, cause: value.cause } : value,
      ),
    );
  }

  secret(value: string): void {
    if (value.length < 8) throw new Error(`secret "${value}" is too short to search for`);
    this.secrets.add(value);
  }

  /** Every reset token emailed through `server` counts as a secret. */
  track(server: CaptureServer): void {
    this.servers.push(server);
  }

  leaks(): { secret: string; line: string }[] {
    const secrets = new Set(this.secrets);
    for (const server of this.servers) {
      for (const email of server.emails) for (const token of tokensIn(`${email.html}\n${email.text}`)) secrets.add(token);
    }
    return this.lines.flatMap((line) => [...secrets].filter((secret) => line.includes(secret)).map((secret) => ({ secret, line })));
  }

  get secretCount(): number {
    return this.secrets.size;
  }
}

const LINK = /https?:\/\/[^\s"'<>]+\/reset-password\?token=([A-Za-z0-9_-]+)/g;

function tokensIn(text: string): string[] {
  return [...text.matchAll(LINK)].map((match) => match[1]!);
}

/**
 * The reset link of an email, read from what was sent (never from the database). The HTML and the text
 * part must carry the same one link.
 */
export function resetLinkIn(email: { html: string; text: string }): { link: string; token: string } {
  const html = [...new Set([...email.html.replaceAll("&amp;", "&").matchAll(LINK)].map((m) => m[0]))];
  const text = [...new Set([...email.text.matchAll(LINK)].map((m) => m[0]))];
  if (html.length !== 1 || text.length !== 1 || html[0] !== text[0]) {
    throw new Error(`expected one and the same reset link in html and text, got html=${JSON.stringify(html)} text=${JSON.stringify(text)}`);
  }
  const link = html[0]!;
  return { link, token: new URL(link).searchParams.get("token")! };
}

/** Outbox rows (of one kind), oldest first. */
export async function rowsOf(h: Pick<Harness, "db">, kind?: OutboxRow["kind"]): Promise<OutboxRow[]> {
  const rows = await h.db
    .select()
    .from(emailOutbox)
    .where(kind ? eq(emailOutbox.kind, kind) : undefined);
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The real Resend transport pointed at a capture server. */
export function resendTo(server: CaptureServer, timeoutMs = 2_000): Transport {
  return createResendTransport({ apiKey: RESEND_KEY, baseUrl: server.url, from: EMAIL_FROM, timeoutMs });
}

/** Argon2 costs tens of milliseconds a hash: one per password for the whole run. */
const hashes = new Map<string, Promise<string>>();

export interface Harness {
  db: Database;
  driver: "postgres" | "pglite";
  deps: AuthDeps;
  jobs: Jobs;
  clock: FakeClock;
  /** Accounts with one password hash (argon2 is slow; hashing once keeps bursts cheap). */
  createAccounts(emails: string[], password: string): Promise<User[]>;
  /** Stops the harness's worker; the database belongs to whoever opened it. */
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  transport?: Transport;
  worker?: WorkerOptions;
  /** The wall clock instead of a fake one, for real-time tests (`clock.advance` then throws). */
  realClock?: boolean;
  /** A fake clock made beforehand (to share it with a capture server); a new one by default. */
  clock?: FakeClock;
  logger?: Logger;
}

/**
 * The auth deps and delivery wiring a server process builds, over `database`: `deps.onOutbox` is the
 * jobs' `dispatch`, as in the API runtime. The deps are @rekey/testing's `authDepsFor` with `options.env`.
 */
export function createHarness(database: DatabaseHandle, options: HarnessOptions = {}): Harness {
  const clock: FakeClock = options.realClock ? wallClock() : (options.clock ?? fakeClock());
  const deps: AuthDeps = authDepsFor(database, {
    secret: TEST_SECRET,
    env: { APP_URL, EMAIL_FROM, ...options.env },
    clock,
    logger: options.logger,
  });
  const jobs = createJobs(deps, { transport: options.transport, worker: options.worker });
  deps.onOutbox = jobs.dispatch;
  return {
    db: database.db,
    driver: database.driver,
    deps,
    jobs,
    clock,
    async createAccounts(emails, password) {
      if (!hashes.has(password)) hashes.set(password, hashPassword(password));
      const hash = await hashes.get(password)!;
      const now = clock();
      return database.db
        .insert(users)
        .values(
          emails.map((email) => ({
            email,
            username: email.split("@")[0]!,
            passwordHash: hash,
            locale: "en",
            passwordChangedAt: now,
            createdAt: now,
            updatedAt: now,
          })),
        )
        .returning();
    },
    close: async () => jobs.worker?.stop(),
  };
}

/** A capture server sharing the harness's fake clock (requests are stamped in test time), and the harness. */
export interface Rig {
  server: CaptureServer;
  h: Harness;
}

/**
 * Starts a capture server and a harness over `database` whose transport is the real Resend SDK pointed at
 * it (`timeoutMs` per send), both on one fake clock unless `options.realClock`. Each is pushed onto `open`
 * for the suite to close after the test.
 */
export async function startRig(
  database: TestDatabase,
  open: { close(): Promise<void> }[],
  options: HarnessOptions & { watch?: LeakWatch } = {},
  timeoutMs = 1_000,
): Promise<Rig> {
  const clock = options.realClock ? undefined : (options.clock ?? fakeClock());
  const server = await startCaptureServer(clock ? { clock } : {});
  open.push(server);
  options.watch?.track(server);
  const h = createHarness(database.handle, { transport: resendTo(server, timeoutMs), logger: options.watch?.logger, clock, ...options });
  open.push(h);
  return { server, h };
}
