// @ts-check
// The app's HTTP server: Next's request handler behind a node:http server that records the socket's
// peer address. Next itself keeps a client-sent X-Forwarded-For in place of the peer address, which
// would let any client pick its own IP for rate limits.
import { createServer } from "node:http";
import { resolve } from "node:path";
import next from "next";

const REMOTE_ADDR_HEADER = "x-rekey-remote-addr";
const dev = process.argv.includes("--dev");
const repoRoot = resolve(import.meta.dirname, "../..");
// Defaults that depend on where the code lives, not on the current directory.
process.env.DATA_DIR ??= resolve(repoRoot, ".data");
process.env.REKEY_MIGRATIONS_DIR ??= resolve(repoRoot, "packages/db/drizzle");
const port = Number(process.env.PORT || "3000");
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`\nRekey cannot start: Invalid configuration:\n  PORT: must be a whole number from 1 to 65535, got "${process.env.PORT}"\n`);
  process.exit(1);
}
const hostname = process.env.HOST ?? "0.0.0.0";

const app = next({ dev, dir: import.meta.dirname, port, hostname: "localhost" });
const handle = app.getRequestHandler();

try {
  await app.prepare();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const server = createServer((req, res) => {
  // Always overwritten: a client can never supply this header itself.
  req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
  void handle(req, res);
});
server.listen(port, hostname, () => {
  console.info(`Rekey listening on http://localhost:${port} (${dev ? "development" : "production"})`);
});

for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.once(signal, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
