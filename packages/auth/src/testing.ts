/**
 * What the service-level suites of this package share (test-only; not exported from the package): a
 * database per engine, fresh deps per test, and the steps a person takes (sign up, ask for a link, read
 * the email the job would send). Built on @rekey/testing.
 */
import { emailOutbox, eq, type Database, type OutboxRow } from "@rekey/db";
import {
  authDepsFor,
  capturingLogger,
  openTestDatabase,
  requestMeta,
  testDatabases,
  type AuthDepsOverrides,
  type CapturingLogger,
  type TestAuthDeps,
  type TestDatabase,
  type TestDatabaseTarget,
} from "@rekey/testing";
import { solveChallenge } from "altcha-lib";
import { deriveKey } from "altcha-lib/algorithms/pbkdf2";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createCaptchaChallenge } from "./captcha";
import type { RequestMeta } from "./deps";
import { mintResetLink } from "./mint-reset-link";
import { requestPasswordReset } from "./request-password-reset";
import { signUp } from "./sign-up";

/** Neither is in the shipped blocklist. */
export const PASSWORD = "Copper-Violet-Orchard-17";
export const NEW_PASSWORD = "Marble-Sparrow-Canyon-58";

/** PostgreSQL (when it answers) and PGlite: `describe.each(targets)`. */
export const targets: TestDatabaseTarget[] = await testDatabases();

/** A request from `ip` (a documentation address by default). */
export const meta = (ip = "192.0.2.10"): RequestMeta => requestMeta({ ip });

export type Deps = TestAuthDeps<CapturingLogger>;

export interface ServiceSuite {
  /** The suite's database, emptied before every test. */
  readonly db: Database;
  /** Deps over the suite's database with a new fake clock and a capturing logger; `env` over @rekey/testing's defaults. */
  deps(overrides?: AuthDepsOverrides<CapturingLogger>): Deps;
}

/** Opens a database of `target` for the enclosing describe block and empties it before each test. */
export function serviceSuite(target: TestDatabaseTarget): ServiceSuite {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await openTestDatabase(target);
  });
  beforeEach(async () => {
    await database!.reset();
  });
  afterAll(async () => {
    await database?.close();
  });
  return {
    get db() {
      return database!.handle.db;
    },
    deps: (overrides = {}) => authDepsFor(database!.handle, { logger: capturingLogger(), ...overrides }),
  };
}

export interface Person {
  id: string;
  email: string;
  username: string;
  password: string;
}

/** Signs a person up through the service, as the register form does (input already normalised). */
export async function signUpPerson(deps: Deps, name: string, password = PASSWORD): Promise<Person> {
  const user = await signUp(deps, { email: `${name}@example.com`, username: name, password }, meta());
  return { id: user.id, email: user.email, username: user.username, password };
}

/** The reset emails queued so far (one row per accepted request), oldest first; for one address if given. */
export async function resetEmails(db: Database, recipient?: string): Promise<OutboxRow[]> {
  const rows = await db.select().from(emailOutbox).where(eq(emailOutbox.kind, "password_reset"));
  return rows.filter((row) => recipient === undefined || row.recipient === recipient).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The "your password was changed" notices queued so far. */
export async function changedNotices(db: Database, recipient?: string): Promise<OutboxRow[]> {
  const rows = await db.select().from(emailOutbox).where(eq(emailOutbox.kind, "password_changed"));
  return rows.filter((row) => recipient === undefined || row.recipient === recipient);
}

/** The raw token of a reset link, as a person's browser reads it from the URL. */
export function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token") ?? "";
}

/** Asks for a reset link for `email` and runs the email job on the request: the link the email carries. */
export async function askForLink(deps: Deps, email: string, ip?: string): Promise<{ link: string; token: string; code: string; expiresAt: Date }> {
  const before = new Set((await resetEmails(deps.db)).map((row) => row.id));
  const answer = await requestPasswordReset(deps, { email }, meta(ip));
  const queued = (await resetEmails(deps.db)).filter((row) => !before.has(row.id));
  if (queued.length !== 1) throw new Error(`expected one reset email queued, got ${queued.length}`);
  const minted = await mintResetLink(deps, queued[0]!.id);
  if (minted.status !== "send") throw new Error(`no link sent: ${minted.reason}`);
  return { link: minted.link, token: tokenOf(minted.link), code: minted.code, expiresAt: answer.expiresAt };
}

/** Solves a fresh captcha challenge the way the widget does (use deps with a small `captchaWork`). */
export async function solvedCaptcha(deps: Deps): Promise<string> {
  const challenge = await createCaptchaChallenge(deps);
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error("captcha challenge not solved");
  return Buffer.from(JSON.stringify({ challenge, solution })).toString("base64");
}

/** A tenth of a browser's captcha work: suites solve several. */
export const LIGHT_CAPTCHA = { cost: 100, counter: { min: 20, max: 200 } };
