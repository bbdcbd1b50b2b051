/**
 * Test-only helpers shared by the workspace's suites (auth, jobs, api, tooling): one fake clock, one way to
 * get a test database, one builder for the auth services' deps. Depends only on node built-ins,
 * `@rekey/config` and `@rekey/db`, so any package's tests can use it (auth's included).
 */

/** Fake clocks: {@link fakeClock} (moved by hand), {@link wallClock} (real time, refuses to be moved). */
export { FAKE_CLOCK_START, fakeClock, wallClock, type FakeClock } from "./clock";
/** A TCP port on 127.0.0.1 that was free a moment ago. */
export { freePort } from "./ports";
/** A promise with its resolve/reject in reach. */
export { deferred, type Deferred } from "./deferred";
/** A migrated database of a target, emptied by `reset()` between tests. */
export { openTestDatabase, type TestDatabase } from "./database";
/**
 * The engines suites run against (`describe.each(await testDatabases())`): PGlite always, PostgreSQL when
 * it answers (REKEY_REQUIRE_POSTGRES=1 makes its absence an error). Re-exported from `@rekey/db/testing`.
 */
export { testDatabases, type TestDatabaseTarget } from "@rekey/db/testing";
/** Loggers for tests: one that drops everything, one that keeps every call. */
export { capturingLogger, silentLogger, type CapturingLogger, type LogEntry, type TestLogger } from "./logger";
/** The auth services' deps for a test, built without importing `@rekey/auth`; a request's meta. */
export {
  authDepsFor,
  requestMeta,
  TEST_APP_URL,
  TEST_AUTH_SECRET,
  TEST_ENV,
  type AuthDepsOverrides,
  type TestAuthDeps,
  type TestRequestMeta,
} from "./auth-deps";
