import type { Config } from "@rekey/config";
import type { WorkerOptions } from "../worker";

/** What the delivery thread is started with (structured-cloned). */
export interface ThreadInit {
  config: Config;
  secret: string;
  /** Connections of the thread's own pool. */
  poolMax: number;
  worker?: Omit<WorkerOptions, "random" | "pacer">;
  /**
   * Shared with the host: [0] its event loop's busy share over the last sample, in thousandths (the thread
   * paces its claims by it).
   */
  hostLoad: Int32Array;
}

/** Host → thread. */
export type ToThread = { type: "wake" } | { type: "stop"; timeoutMs: number };

/** Thread → host. */
export type FromThread =
  | { type: "ready" }
  | { type: "stopped" }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; fields: Record<string, unknown>; message?: string };
