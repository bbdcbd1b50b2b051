// @ts-check
// What the process entry points (apps/web/server.mjs, the operators' command, `pnpm db:migrate`) need from
// the environment before anything else loads. Plain Node so those entry points can import it unbuilt;
// everything else reads configuration through `loadConfig` (index.ts).
import { resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "../../..");

/**
 * Defaults that depend on where the code lives, not on the current directory: the embedded data
 * directory, the SQL migrations, PGlite's initdb script and the delivery thread's entry. Set before
 * `loadConfig` runs.
 */
export function applyLocationDefaults() {
  process.env.DATA_DIR ??= resolve(repoRoot, ".data");
  process.env.REKEY_MIGRATIONS_DIR ??= resolve(repoRoot, "packages/db/drizzle");
  process.env.REKEY_PGLITE_INIT ??= resolve(repoRoot, "packages/db/src/pglite-init.mjs");
  // With PostgreSQL, email delivery runs in a thread of its own, started from this file.
  process.env.REKEY_DELIVERY_THREAD ??= resolve(repoRoot, "packages/jobs/src/thread/entry.mjs");
}

/**
 * The port to listen on (PORT, 3000 by default).
 * @returns {{ ok: true, port: number } | { ok: false, message: string }}
 */
export function listenPort() {
  const raw = process.env.PORT || "3000";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { ok: false, message: `Invalid configuration:\n  PORT: must be a whole number from 1 to 65535, got "${raw}"` };
  }
  return { ok: true, port };
}

/** Where the operators' command finds the running app: REKEY_URL, else this machine on PORT. */
export function operatorsUrl() {
  return (process.env.REKEY_URL || `http://127.0.0.1:${process.env.PORT || "3000"}`).replace(/\/+$/, "");
}
