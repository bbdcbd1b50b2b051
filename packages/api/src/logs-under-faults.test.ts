/**
 * CONTRACT §6 "Logs" under real database faults: the whole account journey (REST with a bearer token, the
 * web's tRPC with a cookie, the reset email through the worker) runs while CHECK constraints added
 * `NOT VALID` make the writes that carry secrets fail, and finally the database goes away mid-reset. Every
 * captured log line, and the error text stored in `email_outbox` and `audit_events`, must then hold no
 * secret, no SQL parameters and no failing row; and every fault must have been logged with its code.
 */
import { deriveResetToken, sha256Hex } from "@rekey/auth";
import { auditEvents, emailOutbox, eq, mailboxMessages, sql, type Database } from "@rekey/db";
import { testDatabases } from "@rekey/db/testing";
import { describe, expect, it } from "vitest";
import { createTestRuntime, TEST_SECRET, type TestRuntime } from "./testing";
import { sessionCookie, startRest, type RestClient } from "./testing/flows";

const targets = await testDatabases();

type Line = { level: number; msg?: string; err?: Record<string, unknown>; error?: Record<string, unknown> } & Record<string, unknown>;
const CHECK_VIOLATION = "23514";

/** Makes every new row (insert or update) of `table` fail with a CHECK violation while `fn` runs. */
async function withFault<T>(db: Database, table: string, fn: () => Promise<T>): Promise<T> {
  const name = `fault_${table}`;
  await db.execute(sql.raw(`alter table ${table} add constraint ${name} check (false) not valid`));
  try {
    return await fn();
  } finally {
    await db.execute(sql.raw(`alter table ${table} drop constraint ${name}`));
  }
}

/** Error lines written since `since`, whose error carries `code` (or, for an outage, matches it). */
function errorsSince(t: TestRuntime, since: number, code: string | RegExp): Line[] {
  return t.logs
    .slice(since)
    .map((line) => JSON.parse(line) as Line)
    .filter((line) => {
      const error = line.err ?? line.error;
      if (line.level < 50 || !error) return false;
      return typeof code === "string" ? error.code === code : code.test(JSON.stringify(error));
    });
}

/** Runs `fault` and checks it was logged as an error carrying `code`. */
async function expectLoggedFault(t: TestRuntime, what: string, code: string | RegExp, fault: () => Promise<unknown>) {
  const since = t.logs.length;
  await fault();
  expect(errorsSince(t, since, code).length, `${what}: no error line with ${String(code)}`).toBeGreaterThan(0);
}

/** The web's tRPC over real HTTP, as the pages call it (cookie-authenticated). */
function trpc(rest: RestClient, procedure: string, options: { input?: unknown; cookie?: string; query?: boolean } = {}) {
  const headers: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
  if (options.query) return rest.fetch(`/api/trpc/${procedure}`, { method: "GET", headers });
  return rest.fetch(`/api/trpc/${procedure}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify(options.input ?? {}),
  });
}

describe.each(targets)("logs under database faults on $name", (target) => {
  it("no log line or stored error text holds a secret, parameters or a row, and every fault is logged", { timeout: 180_000 }, async () => {
    // One attempt per email: a failed job goes dead at once, which writes the audit event too.
    const t = await createTestRuntime(target, { CAPTCHA: "off", RATE_LIMITS: "off" }, { worker: { maxAttempts: 1 } });
    const db = t.runtime.deps.db;
    const worker = t.runtime.jobs.worker!;
    const rest = await startRest(t.runtime);
    const secrets = new Set<string>([TEST_SECRET]);
    const addSecret = (value: string) => {
      secrets.add(value);
      if (value.length >= 32) secrets.add(sha256Hex(value));
    };
    let closed = false;
    /** A reset request one second after the last (so it is the newest), and the outbox row it wrote. */
    const requestReset = async (email: string): Promise<string> => {
      t.clock.advance(1);
      const before = new Set((await db.select({ id: emailOutbox.id }).from(emailOutbox)).map((row) => row.id));
      expect((await rest.post("requestPasswordReset", { email })).status).toBe(200);
      const added = (await db.select().from(emailOutbox)).filter((row) => !before.has(row.id));
      expect(added).toHaveLength(1);
      return added[0]!.id;
    };
    /** The link's token in the email sent for `outboxId`. */
    const emailedToken = async (outboxId: string): Promise<string> => {
      const [mail] = await db.select().from(mailboxMessages).where(eq(mailboxMessages.idempotencyKey, outboxId));
      const token = /token=([\w-]+)/.exec(mail?.text ?? "")?.[1];
      if (!token) throw new Error(`no link in the email of ${outboxId}`);
      for (const code of mail!.text.match(/\b\d{4} \d{4}\b/g) ?? []) [code, code.replace(" ", "")].forEach((c) => secrets.add(c));
      return token;
    };
    try {
      const email = "faults@example.com";
      const password = "First-Secret-Pass-81";
      const newPassword = "Second-Secret-Pass-92";
      [password, newPassword, "Other-Secret-Pass-55"].forEach(addSecret);

      // Sign-up whose insert fails (the row holds the password's hash), then the real one.
      await expectLoggedFault(t, "users insert", CHECK_VIOLATION, () =>
        withFault(db, "users", async () => {
          expect((await rest.post("register", { email: "other@example.com", username: "other", password: "Other-Secret-Pass-55" })).status).toBe(500);
        }),
      );
      expect((await rest.post("register", { email, username: "faults", password })).status).toBe(200);

      // Sessions whose insert fails, over REST (bearer) and the web (cookie).
      await expectLoggedFault(t, "sessions insert", CHECK_VIOLATION, () =>
        withFault(db, "sessions", async () => {
          expect((await rest.post("login", { account: "faults", password })).status).toBe(500);
          const failed = await trpc(rest, "auth.signIn", { input: { account: email, password } });
          expect(failed.status).toBe(500);
          expectClean([failed.text], secrets, "the tRPC 500 answer");
        }),
      );
      const login = await rest.post("login", { account: "faults", password });
      const bearer = login.body.data.token as string;
      addSecret(bearer);
      expect((await rest.get("me", { authorization: `Bearer ${bearer}` })).status).toBe(200);
      const web = await trpc(rest, "auth.signIn", { input: { account: email, password } });
      expect(web.status).toBe(200);
      const cookie = sessionCookie(web.headers);
      addSecret(cookie.split("=")[1]!);
      expect((await trpc(rest, "auth.me", { cookie, query: true })).status).toBe(200);
      expect((await rest.post("login", { account: "faults", password: newPassword })).status).toBe(401);

      // The email job: the mailbox insert (the email with its link) fails, then minting (the token's hash).
      await requestReset(email);
      await expectLoggedFault(t, "mailbox insert", CHECK_VIOLATION, () => withFault(db, "mailbox_messages", () => worker.drain()));
      await requestReset(email);
      await expectLoggedFault(t, "reset token insert", CHECK_VIOLATION, () => withFault(db, "password_reset_tokens", () => worker.drain()));

      // The email that gets through: its link's token is what the reset uses.
      const delivered = await requestReset(email);
      expect(await worker.drain()).toBe(1);
      const token = await emailedToken(delivered);
      addSecret(token);
      expect((await rest.post("verifyResetToken", { token })).status).toBe(200);

      // The reset whose password change fails, then whose token update fails; the token survives both.
      await expectLoggedFault(t, "users update", CHECK_VIOLATION, () =>
        withFault(db, "users", async () => {
          expect((await rest.post("resetPassword", { token, new_password: newPassword })).status).toBe(500);
        }),
      );
      await expectLoggedFault(t, "reset token update", CHECK_VIOLATION, () =>
        withFault(db, "password_reset_tokens", async () => {
          expect((await rest.post("resetPassword", { token, new_password: newPassword })).status).toBe(500);
        }),
      );
      expect((await rest.post("resetPassword", { token, new_password: password })).status).toBe(400);
      expect((await rest.post("resetPassword", { token, new_password: newPassword })).status).toBe(200);
      expect(await worker.drain()).toBeGreaterThan(0);
      const again = await rest.post("login", { account: email, password: newPassword });
      const bearer2 = again.body.data.token as string;
      addSecret(bearer2);
      expect((await rest.get("me", { authorization: `Bearer ${bearer2}` })).status).toBe(200);
      expect((await rest.post("logout", undefined, { authorization: `Bearer ${bearer2}` })).status).toBe(200);
      expect((await rest.post("resetPassword", `{"token":"${token}","new_password":`)).status).toBe(400);

      // Every token ever minted (the derivation is deterministic) and every link in the mailbox.
      const outbox = await db.select().from(emailOutbox);
      for (const row of outbox) if (row.kind === "password_reset") addSecret(deriveResetToken(TEST_SECRET, row.id));
      for (const message of await db.select().from(mailboxMessages)) {
        for (const [, value] of message.text.matchAll(/token=([\w-]+)/g)) addSecret(value!);
      }

      // Stored error text: present for the failed jobs, and as safe as the logs.
      const dead = outbox.filter((row) => row.status === "dead");
      expect(dead).toHaveLength(2);
      for (const row of dead)
        expect(row.lastError).toMatch(/^DrizzleQueryError \[23514\]: new row for relation "\w+" violates check constraint "fault_\w+"$/);
      const audits = await db.select().from(auditEvents);
      const deadAudits = audits.filter((row) => row.event === "email.dead");
      expect(deadAudits.map((row) => row.details?.error)).toEqual(dead.map(() => expect.stringContaining("[23514]")));
      const stored = [...outbox.map((row) => row.lastError ?? ""), ...audits.map((row) => JSON.stringify(row.details ?? {}))];
      expectClean(stored, secrets, "stored error text");

      // A full outage in the middle of a reset: the database handle is closed under the running app.
      const last = await requestReset(email);
      expect(await worker.drain()).toBe(1);
      const token2 = await emailedToken(last);
      addSecret(token2);
      closed = true;
      await expectLoggedFault(t, "outage", target.name === "postgres" ? /CONNECTION_ENDED|CONNECTION_CLOSED|57P01/ : /PGlite is closed/, async () => {
        await t.close();
        const fault = await rest.post(
          "resetPassword",
          { token: token2, new_password: "Third-Secret-Pass-03" },
          { authorization: `Bearer ${bearer}` },
        );
        expect(fault.status).toBe(500);
        expectClean([fault.text], secrets, "the 500 answer");
      });
      secrets.add("Third-Secret-Pass-03");

      expect(t.logs.length).toBeGreaterThan(10);
      expectClean(t.logs, secrets, "log line");
    } finally {
      await rest.close();
      if (!closed) await t.close();
    }
  });
});

/** None of `texts` holds a secret, SQL parameters, a failing row, a link's token, a hash or an API key. */
function expectClean(texts: string[], secrets: Set<string>, what: string): void {
  const patterns: [string, RegExp][] = [
    ["SQL parameters", /params:/i],
    ["a failing row", /Failing row/i],
    ["a link's token", /token=(?!\[redacted\])/],
    ["a SHA-256 hex", /\b[0-9a-f]{64}\b/],
    ["a base64url token", /(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{43}/],
    ["a password hash", /\$argon2/],
    ["a Resend API key", /\bre_[A-Za-z0-9_]{16,}/],
  ];
  for (const text of texts) {
    for (const secret of secrets) expect(text, `${what} leaks a secret`).not.toContain(secret);
    for (const [name, pattern] of patterns) expect(text, `${what} holds ${name}`).not.toMatch(pattern);
  }
}
