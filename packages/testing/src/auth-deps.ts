import { loadConfig, type Config } from "@rekey/config";
import type { Database } from "@rekey/db";
import { fakeClock, type FakeClock } from "./clock";
import { silentLogger, type TestLogger } from "./logger";

/** The AUTH_SECRET of {@link authDepsFor} unless a test gives another (≥ 32 characters, as configuration demands). */
export const TEST_AUTH_SECRET = "rekey-test-secret-0123456789abcdef0123456789";

/** The APP_URL of {@link authDepsFor}: links in emails start with it. */
export const TEST_APP_URL = "http://rekey.test";

/**
 * The configuration {@link authDepsFor} starts from, before the test's own `env`: no rate limits and no
 * captcha (suites about other behaviour would otherwise run into them; a suite about limits turns them on),
 * expiry times in UTC.
 */
export const TEST_ENV: Readonly<Record<string, string>> = {
  APP_URL: TEST_APP_URL,
  RATE_LIMITS: "off",
  CAPTCHA: "off",
  APP_TIMEZONE: "UTC",
  LOG_LEVEL: "debug",
};

/**
 * The dependencies every auth service takes (`AuthDeps` of `@rekey/auth`), built for a test. Structurally
 * the same type, declared here because this package cannot import `@rekey/auth` (auth's tests import this
 * package). The clock and the logger keep their test types so a test can move and read them.
 */
export interface TestAuthDeps<L extends TestLogger = TestLogger> {
  db: Database;
  config: Config;
  secret: string;
  clock: FakeClock;
  logger: L;
  onOutbox?: (rows: { id: string; kind: "password_reset" | "password_changed" }[]) => void;
  captchaWork?: { cost: number; counter: { min: number; max: number } };
}

/** What a test may change in {@link authDepsFor}'s result. */
export interface AuthDepsOverrides<L extends TestLogger = TestLogger> {
  /** Environment variables over {@link TEST_ENV}, validated by `loadConfig` as at start-up. */
  env?: Record<string, string>;
  /** AUTH_SECRET (default {@link TEST_AUTH_SECRET}); also given to the configuration. */
  secret?: string;
  /** A fake clock made beforehand (to share it); a new one by default. */
  clock?: FakeClock;
  /** Default: a silent logger. */
  logger?: L;
  onOutbox?: TestAuthDeps["onOutbox"];
  captchaWork?: TestAuthDeps["captchaWork"];
}

/**
 * The plain deps object the auth services take, over `database` (a `DatabaseHandle`, or anything with its
 * `db`): configuration from `loadConfig({AUTH_SECRET, ...TEST_ENV, ...overrides.env})` (never from the
 * process environment), a fake clock, a silent logger unless given one.
 */
export function authDepsFor<L extends TestLogger = TestLogger>(database: { db: Database }, overrides: AuthDepsOverrides<L> = {}): TestAuthDeps<L> {
  const secret = overrides.secret ?? TEST_AUTH_SECRET;
  const config = loadConfig({ AUTH_SECRET: secret, ...TEST_ENV, ...overrides.env });
  const deps: TestAuthDeps<L> = {
    db: database.db,
    config,
    secret,
    clock: overrides.clock ?? fakeClock(),
    logger: overrides.logger ?? (silentLogger() as L),
  };
  if (overrides.onOutbox) deps.onOutbox = overrides.onOutbox;
  if (overrides.captchaWork) deps.captchaWork = overrides.captchaWork;
  return deps;
}

/** Who is asking, as the API layer works it out per request (`RequestMeta` of `@rekey/auth`, structurally). */
export interface TestRequestMeta {
  ip: string | null;
  userAgent: string | null;
  locale: "zh-CN" | "en";
}

/** A request's meta: a documentation-range IP, a test user agent, English; any field overridden. */
export function requestMeta(overrides: Partial<TestRequestMeta> = {}): TestRequestMeta {
  return { ip: "192.0.2.10", userAgent: "vitest (rekey tests)", locale: "en", ...overrides };
}
