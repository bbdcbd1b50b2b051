import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Front } from "./front";

export interface ServeOptions {
  /** How long in-flight requests may take to finish after SIGTERM/SIGINT before their connections are cut. */
  graceMs?: number;
  /** Runs once requests have drained, before the runtime closes (Next's own `close`). */
  beforeClose?: () => Promise<unknown>;
  /** One line for the operator: listening, stopping, stopped. */
  log?: (line: string) => void;
  /** Called instead of `process.exit` (tests). */
  exit?: (code: number) => void;
}

/** CONTRACT §5: a stop signal drains in-flight work and exits 0 within 10 s. */
const STOP_DEADLINE_MS = 10_000;
/** The share of those 10 s for requests in flight; email sends in flight get what is left but a margin. */
const DEFAULT_GRACE_MS = 5_000;
const CLOSE_MARGIN_MS = 1_500;

/**
 * Serves `front` on its host and port until SIGTERM or SIGINT, then stops gracefully: no new connections,
 * in-flight requests finish (so no request whose work committed loses its answer), the email worker
 * finishes its sends and lets go of its claims, the database closes, and the process exits 0. Resolves
 * once listening; rejects when it cannot listen (port taken, bad address).
 */
export async function serveUntilSignal(
  front: Front,
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
  options: ServeOptions = {},
): Promise<Server> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const server = front.createServer(next);

  let inFlight = 0;
  let stopping = false;
  let drained: (() => void) | undefined;
  const track = (_req: IncomingMessage, res: ServerResponse) => {
    inFlight += 1;
    // While stopping, a kept-alive connection carries no further request after this one.
    if (stopping) res.shouldKeepAlive = false;
    res.once("close", () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  };
  server.on("request", track);
  server.on("checkExpectation", track);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(front.port, front.host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const startedAt = Date.now();
    log(`Rekey stopping (${signal}): finishing ${inFlight} request(s) in flight`);
    // Whatever hangs (a database that never answers its close), the process still ends in time.
    setTimeout(() => {
      log("Rekey stop took too long; exiting");
      exit(1);
    }, STOP_DEADLINE_MS).unref();
    server.close();
    server.closeIdleConnections();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        drained = resolve;
        setTimeout(resolve, options.graceMs ?? DEFAULT_GRACE_MS).unref();
      });
    }
    server.closeAllConnections();
    try {
      await options.beforeClose?.();
      const left = STOP_DEADLINE_MS - CLOSE_MARGIN_MS - (Date.now() - startedAt);
      await front.close({ workerTimeoutMs: Math.max(500, left) });
    } catch (error) {
      log(`Rekey stop: ${error instanceof Error ? error.message : String(error)}`);
    }
    log("Rekey stopped");
    exit(0);
  };
  // `on`, not `once`: Ctrl-C reaches us twice (from the terminal, and forwarded by pnpm); a second signal
  // must not kill the process mid-drain. The stop deadline still bounds it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void stop(signal));
  return server;
}
