import { performance } from "node:perf_hooks";

/**
 * How many outbox rows the worker may claim now. Email work yields to the answers (CONTRACT §4: it never
 * slows them): while the process answering requests is saturated, claims are held to a trickle, so that a
 * flood is answered at full speed and its email follows as soon as there is room; otherwise there is no limit.
 */
export interface Pacer {
  /** Rows that may be claimed now: Infinity while the answers have room, a few (or 0) while they have none. */
  allowance(): number;
  /** `rows` were claimed. */
  took(rows: number): void;
}

/** No pacing: the in-process worker, and tests. */
export const UNPACED: Pacer = { allowance: () => Infinity, took: () => {} };

export interface PacerOptions {
  /** Whether the answers are saturated now. */
  saturated: () => boolean;
  /** Rows per second still claimed while saturated (the email keeps moving, slowly). */
  perSecond: number;
  /** Rows that may be claimed at once when saturation begins (the bucket's size). */
  burst: number;
  /** Milliseconds, monotonic. */
  now?: () => number;
}

/** A token bucket that only counts while `saturated()`; refilled to `burst` whenever it is not. */
export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? (() => performance.now());
  let tokens = options.burst;
  let at = now();
  // Claims made while the answers had room cost no tokens.
  let paced = false;
  const refill = () => {
    const t = now();
    tokens = Math.min(options.burst, tokens + ((t - at) / 1000) * options.perSecond);
    at = t;
  };
  return {
    allowance() {
      refill();
      paced = options.saturated();
      if (!paced) {
        tokens = options.burst;
        return Infinity;
      }
      return Math.floor(tokens);
    },
    took(rows) {
      refill();
      if (paced) tokens = Math.max(0, tokens - rows);
    },
  };
}

/**
 * The share of the last `windowMs` the calling thread's event loop spent busy, sampled on a timer (unref'd)
 * into `into[index]` in thousandths: the delivery thread reads it from shared memory without a message.
 */
export function sampleLoadInto(into: Int32Array, index: number, windowMs = 250): () => void {
  let last = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const current = performance.eventLoopUtilization();
    Atomics.store(into, index, Math.round(performance.eventLoopUtilization(current, last).utilization * 1000));
    last = current;
  }, windowMs);
  timer.unref();
  return () => clearInterval(timer);
}
