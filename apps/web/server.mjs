// @ts-check
// The app's HTTP server. Next renders the pages; in front of it, the app's own front (packages/api
// src/http/front.ts, handed over by the instrumentation hook once the runtime is up) records the socket's
// peer address, sets every answer's security headers, serves the API directly and answers what Next
// would turn into a 500. Nothing listens until the runtime is ready.
import { applyLocationDefaults, listenPort } from "@rekey/config/launch";
import next from "next";

const dev = process.argv.includes("--dev");
applyLocationDefaults();
const listen = listenPort();
if (!listen.ok) {
  console.error(`\nRekey cannot start: ${listen.message}\n`);
  process.exit(1);
}
const { port } = listen;

/** @type {Promise<{ front: import("@rekey/api").Front, banner: string[] }>} */
const frontReady = new Promise((resolveFront) => {
  globalThis.__rekeyServe = { dev, ready: (front, banner) => resolveFront({ front, banner }) };
});

const app = next({ dev, dir: import.meta.dirname, port, hostname: "localhost" });
const handle = app.getRequestHandler();

try {
  await app.prepare();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { front, banner } = await frontReady;

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
// Only now: the port is ours and the app answers.
console.info(`Rekey listening on http://localhost:${front.port} (${dev ? "development" : "production"}, ${scope})`);
for (const line of banner) console.info(`  ${line}`);
