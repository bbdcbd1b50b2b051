/**
 * The one thing the job body needs from its runner. Inngest's `step.run` memoises and retries; the
 * embedded worker runs the callback once per claim and retries by re-claiming the outbox row.
 */
export interface StepRunner {
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

export const directStep: StepRunner = { run: (_id, fn) => fn() };

/** A failure worth another attempt later (provider 5xx or 429, network, timeout, our own fault). */
export class RetryableDeliveryError extends Error {
  override name = "RetryableDeliveryError";
  /**
   * Set by the job body once the row records the failure and the next attempt is scheduled: how long until
   * it is due. The Inngest runner hands it to Inngest as the retry delay.
   */
  retryInMs?: number;

  constructor(
    message: string,
    /** The provider's Retry-After. */
    readonly retryAfterSeconds?: number,
    /** The provider is still processing a send with the same key: worth another try within a second or two. */
    readonly inFlight = false,
  ) {
    super(message);
  }
}

/** A failure no retry can fix (the provider refused the message as invalid), or the last of too many. */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}
