import { Worker } from "node:worker_threads";
import type { Logger } from "@rekey/auth";
import { sampleLoadInto } from "../pace";
import { SIGNAL, type FromThread, type ThreadInit, type ToThread } from "./protocol";

/** How long to wait before starting a thread again after it died (its rows come back when their leases end). */
const RESTART_DELAY_MS = 1_000;

/**
 * The embedded worker in a thread of its own (PostgreSQL only: PGlite lives in the main thread). The same
 * interface as the in-process worker: `start`, `wake` (a message; costs the request microseconds) and
 * `stop`. A thread that dies is started again; its claimed rows are taken up when their leases end.
 */
export class ThreadedWorker {
  private thread: Worker | undefined;
  private stopping: Promise<void> | undefined;
  private restart: NodeJS.Timeout | undefined;
  private stopSampling: (() => void) | undefined;

  constructor(
    private readonly entry: string,
    private readonly init: ThreadInit,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.thread || this.stopping) return;
    // A thread that died may have left a wake unanswered; the new one looks for due rows when it starts.
    Atomics.store(this.init.signals, SIGNAL.wakePending, 0);
    // execArgv: none of the host's (a loader the host runs under, tsx or a test runner's, hangs the thread).
    const thread = new Worker(this.entry, { workerData: this.init, execArgv: [] });
    this.thread = thread;
    // The thread paces its claims by how busy this (the answering) thread is.
    this.stopSampling ??= sampleLoadInto(this.init.signals, SIGNAL.hostLoad);
    thread.on("message", (message: FromThread) => {
      if (message.type === "log") this.logger[message.level](message.fields, message.message);
    });
    thread.on("error", (error) => this.logger.error({ err: error }, "delivery thread failed"));
    thread.on("exit", (code) => {
      if (this.thread !== thread) return;
      this.thread = undefined;
      if (this.stopping) return;
      this.logger.error({ code }, "delivery thread exited; starting it again");
      this.restart = setTimeout(() => this.start(), RESTART_DELAY_MS);
      this.restart.unref();
    });
  }

  /** New rows were written (committed). */
  wake(): void {
    // Only the first wake since the thread's last tick is posted: the rows of the others are committed before
    // that tick re-arms the signal, and the tick's claim comes after it, so it sees them.
    if (Atomics.exchange(this.init.signals, SIGNAL.wakePending, 1) === 0) this.thread?.postMessage({ type: "wake" } satisfies ToThread);
  }

  /**
   * Stops claiming and waits up to `timeoutMs` for the sends in flight; the thread releases the rows still
   * unfinished, closes its connections and ends. A thread that does not answer in time is terminated.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<void> {
    clearTimeout(this.restart);
    this.stopSampling?.();
    this.stopSampling = undefined;
    this.stopping ??= this.halt(options.timeoutMs ?? 5_000);
    return this.stopping;
  }

  private async halt(timeoutMs: number): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    const ended = new Promise<void>((resolve) => thread.once("exit", () => resolve()));
    thread.postMessage({ type: "stop", timeoutMs } satisfies ToThread);
    // Releasing the claims and closing the pool take a moment after the sends' own deadline.
    const late = new Promise<"late">((resolve) => setTimeout(() => resolve("late"), timeoutMs + 1_000).unref());
    if ((await Promise.race([ended, late])) === "late") {
      this.logger.warn({}, "delivery thread did not stop in time; terminated");
      await thread.terminate();
    }
    this.thread = undefined;
  }
}
