import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { systemClock, type AuthDeps, type Logger } from "@rekey/auth";
import { openDatabase, summarizeError } from "@rekey/db";
import { createPacer } from "../pace";
import { createTransport } from "../transport";
import { EmbeddedWorker } from "../worker";
import { SIGNAL, type FromThread, type ThreadInit, type ToThread } from "./protocol";

// The body of the delivery thread: the embedded worker with its own event loop and its own connections,
// so minting, rendering and sending never take turns with the answers on the main thread.
const port = parentPort!;

// Email work yields to the answers: under a flood the requests keep their pace and the outbox catches up as
// soon as there is a spare moment of CPU (idle machine: no difference). On Linux a nice value belongs to
// the thread, so this lowers only this thread; where it is not allowed, delivery keeps normal priority.
try {
  setPriority(10);
} catch {
  // Not permitted here: nothing to do.
}
const init = workerData as ThreadInit;
const post = (message: FromThread) => port.postMessage(message);

/** Log lines go to the host's logger (one place scrubs and writes them); errors travel as their summary. */
const log =
  (level: "debug" | "info" | "warn" | "error") =>
  (fields: object, message?: string): void => {
    const plain: Record<string, unknown> = { ...(fields as Record<string, unknown>) };
    for (const key of ["err", "error"]) if (plain[key] !== undefined) plain[key] = summarizeError(plain[key]);
    post({ type: "log", level, fields: plain, message });
  };
const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };

// Commits here need not wait for the disk (and contend with the requests' commits for it): what a database
// crash could lose is redone on its own. WAL is written in order, so a lost commit takes every later one
// (the row's markSent, its claim) with it; the row is pending again, is claimed again, and gets the same
// link (tokens derive from the outbox id) and the same idempotency key (the provider sends nothing twice).
const database = await openDatabase({ url: init.config.databaseUrl, migrate: false, max: init.poolMax, asyncCommit: true });
const auth: AuthDeps = { db: database.db, config: init.config, secret: init.secret, clock: systemClock, logger };
// Nice 10 leaves the answers this thread's CPU, but not what its work costs elsewhere: its PostgreSQL
// backends, the sockets it wakes, the collector. So while the host's event loop is saturated (busy 90% of
// the last sample), claims slow to a trickle (at most 25 rows a second, as tokens of a bucket of 10): a flood
// is answered at full speed, its email still moves, and the backlog goes out once the answers have room.
const SATURATED = 900;
const pacer = createPacer({ saturated: () => Atomics.load(init.signals, SIGNAL.hostLoad) >= SATURATED, perSecond: 25, burst: 10 });
const onTick = () => Atomics.store(init.signals, SIGNAL.wakePending, 0);
const worker = new EmbeddedWorker({ auth, transport: createTransport(auth) }, { ...init.worker, pacer, onTick });

port.on("message", (message: ToThread) => {
  if (message.type === "wake") return worker.wake();
  void worker
    .stop({ timeoutMs: message.timeoutMs })
    .then(() => database.close())
    .catch((error: unknown) => logger.warn({ err: error }, "delivery thread did not stop cleanly"))
    .finally(() => {
      post({ type: "stopped" });
      port.close();
    });
});
worker.start();
post({ type: "ready" });
