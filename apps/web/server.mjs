// @ts-check
// The app's HTTP server. Next renders the pages; in front of it, the app's own front (packages/api
// src/http/front.ts, handed over by the instrumentation hook once the runtime is up) records the socket's
// peer address, sets every answer's security headers, serves the API directly and answers what Next
// would turn into a 500. Nothing listens until the runtime is ready.
import { resolve } from "node:path";
import next from "next";

const dev = process.argv.includes("--dev");
const repoRoot = resolve(import.meta.dirname, "../..");
// Defaults that depend on where the code lives, not on the current directory.
process.env.DATA_DIR ??= resolve(repoRoot, ".data");
process.env.REKEY_MIGRATIONS_DIR ??= resolve(repoRoot, "packages/db/drizzle");
// With PostgreSQL, email delivery runs in a thread of its own, started from this file.
process.env.REKEY_DELIVERY_THREAD ??= resolve(repoRoot, "packages/jobs/src/thread/entry.mjs");
const port = Number(process.env.PORT || "3000");
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`\nRekey cannot start: Invalid configuration:\n  PORT: must be a whole number from 1 to 65535, got "${process.env.PORT}"\n`);
  process.exit(1);
}

/** @type {Promise<import("@rekey/api").Front>} */
const frontReady = new Promise((resolveFront) => {
  globalThis.__rekeyServe = resolveFront;
});

const app = next({ dev, dir: import.meta.dirname, port, hostname: "localhost" });
const handle = app.getRequestHandler();

try {
  await app.prepare();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const front = await frontReady;

try {
  // Until SIGTERM/SIGINT: then in-flight requests and email sends finish and the process exits 0.
  await front.serve(handle, { beforeClose: () => app.close() });
} catch (error) {
  const reason = /** @type {NodeJS.ErrnoException} */ (error).code === "EADDRINUSE" ? "the port is already in use" : String(error);
  console.error(`\nRekey cannot start: ${front.host}:${front.port}: ${reason}\n`);
  process.exit(1);
}
const scope = ["127.0.0.1", "::1", "localhost"].includes(front.host)
  ? "this machine only; HOST=0.0.0.0 opens it to the network"
  : `listening on ${front.host}`;
console.info(`Rekey listening on http://localhost:${front.port} (${dev ? "development" : "production"}, ${scope})`);
