import type { AuthDeps, OutboxNotice } from "@rekey/auth";
import type { Transport } from "@rekey/email";
import type { Inngest } from "inngest";
import { createInngest } from "./client";
import type { JobDeps } from "./deliver";
import { dispatchToInngest } from "./dispatch";
import { ThreadedWorker } from "./thread/threaded-worker";
import { createTransport } from "./transport";
import { EmbeddedWorker, type WorkerOptions } from "./worker";

export interface Jobs {
  mode: "inngest" | "embedded";
  deps: JobDeps;
  /** Present in Inngest mode: the client the serve route and `dispatch` use. */
  inngest?: Inngest;
  /** Present in embedded mode: the in-process worker (started by the server process, not here). */
  worker?: EmbeddedWorker;
  /** Instead of `worker`, on PostgreSQL when a thread entry is given: the worker in a thread of its own. */
  thread?: ThreadedWorker;
  /** Hands freshly committed outbox rows to delivery. Never throws and never blocks the request for long. */
  dispatch(rows: OutboxNotice[]): void;
}

/**
 * Wires delivery for a process: Inngest mode when any INNGEST_* variable is set, otherwise the embedded
 * worker. Either way the same job body runs.
 */
export interface JobsOptions {
  /** Overrides the transport chosen from configuration (tests); keeps delivery in this thread. */
  transport?: Transport;
  worker?: WorkerOptions;
  /**
   * The delivery thread's entry (`thread/entry.mjs`; by default the configuration's, which the server sets). With
   * PostgreSQL, the worker then runs there, with `threadPoolMax` connections of its own.
   */
  threadEntry?: string;
  threadPoolMax?: number;
}

export function createJobs(auth: AuthDeps, options: JobsOptions = {}): Jobs {
  const deps: JobDeps = { auth, transport: options.transport ?? createTransport(auth) };
  if (auth.config.inngest.enabled) {
    const inngest = createInngest(auth.config);
    return {
      mode: "inngest",
      deps,
      inngest,
      dispatch(rows) {
        // A failed or slow send leaves the row pending: the sweeper re-sends its event.
        dispatchToInngest(inngest, rows).catch((error: unknown) =>
          auth.logger.warn({ rows: rows.map((r) => r.id), err: error }, "event not sent; the outbox sweeper will retry"),
        );
      },
    };
  }
  const entry = options.threadEntry ?? auth.config.paths.deliveryThread;
  if (entry && !auth.config.embedded && !options.transport) {
    const { random: _random, pacer: _pacer, onTick: _onTick, ...workerOptions } = options.worker ?? {};
    const signals = new Int32Array(new SharedArrayBuffer(8));
    const init = { config: auth.config, secret: auth.secret, poolMax: options.threadPoolMax ?? 10, worker: workerOptions, signals };
    const thread = new ThreadedWorker(entry, init, auth.logger);
    return { mode: "embedded", deps, thread, dispatch: () => thread.wake() };
  }
  const worker = new EmbeddedWorker(deps, options.worker);
  return { mode: "embedded", deps, worker, dispatch: () => worker.wake() };
}
