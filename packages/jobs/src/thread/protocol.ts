import type { Config } from "@rekey/config";
import type { WorkerOptions } from "../worker";

/** What the delivery thread is started with (structured-cloned). */
export interface ThreadInit {
  config: Config;
  secret: string;
  /** Connections of the thread's own pool. */
  poolMax: number;
  worker?: Omit<WorkerOptions, "random" | "pacer" | "onTick">;
  /** Shared with the host: see {@link SIGNAL}. */
  signals: Int32Array;
}

/** The slots of `ThreadInit.signals`. */
export const SIGNAL = {
  /** The host's event loop's busy share over its last sample, in thousandths: the thread paces its claims by it. */
  hostLoad: 0,
  /**
   * 1 from the host's first wake message until the thread's next tick: the wakes in between post nothing (under
   * load, one message per tick instead of one per request).
   */
  wakePending: 1,
} as const;

/** Host → thread. */
export type ToThread = { type: "wake" } | { type: "stop"; timeoutMs: number };

/** Thread → host. */
export type FromThread =
  | { type: "ready" }
  | { type: "stopped" }
  | { type: "log"; level: "debug" | "info" | "warn" | "error"; fields: Record<string, unknown>; message?: string };
