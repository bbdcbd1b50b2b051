/**
 * The one thing the job body needs from its runner. Inngest's `step.run` memoises and retries; the
 * embedded worker runs the callback once per claim and retries by re-claiming the outbox row.
 */
export interface StepRunner {
  run<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

export const directStep: StepRunner = { run: (_id, fn) => fn() };

/** A failure worth another attempt later (provider 5xx or 429, network, timeout). */
export class RetryableDeliveryError extends Error {
  override name = "RetryableDeliveryError";
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A failure no retry can fix (the provider refused the message as invalid). */
export class PermanentDeliveryError extends Error {
  override name = "PermanentDeliveryError";
}
