import { NonRetriableError, RetryAfterError, type Inngest } from "inngest";
import { deliverOutboxRow, type JobDeps } from "../deliver";
import type { passwordChanged, passwordResetRequested } from "../events";
import { markDead } from "../outbox";
import { PermanentDeliveryError, RetryableDeliveryError, type StepRunner } from "../step";

/** Retries per function: with the first attempt, six tries spread over about an hour by Inngest's backoff. */
export const EMAIL_RETRIES = 5;

/** Lets Inngest's step tooling run the shared job body, translating our errors into Inngest's retry signals. */
export function inngestStep(step: { run: (id: string, fn: () => Promise<unknown>) => Promise<unknown> }): StepRunner {
  return {
    run: async <T>(id: string, fn: () => Promise<T>) =>
      (await step.run(id, async () => {
        try {
          return await fn();
        } catch (error) {
          if (error instanceof PermanentDeliveryError) throw new NonRetriableError(error.message, { cause: error });
          if (error instanceof RetryableDeliveryError && error.retryAfterSeconds) {
            throw new RetryAfterError(error.message, error.retryAfterSeconds * 1000, { cause: error });
          }
          throw error;
        }
      })) as T,
  };
}

/** `onFailure` of the email functions: after the last attempt the row is dead and audited. */
export async function handleEmailFailure(
  getDeps: () => Promise<JobDeps>,
  outboxId: string | undefined,
  error: unknown,
): Promise<void> {
  if (!outboxId) return;
  await markDead((await getDeps()).auth, outboxId, error);
}

/**
 * An email function: one outbox row per event, retried by Inngest, dead and audited after the last try.
 * The reset and password-changed functions differ only in their id and trigger.
 */
export function createEmailFunction(
  inngest: Inngest,
  getDeps: () => Promise<JobDeps>,
  id: string,
  trigger: typeof passwordResetRequested | typeof passwordChanged,
) {
  return inngest.createFunction(
    {
      id,
      triggers: [trigger],
      retries: EMAIL_RETRIES,
      onFailure: ({ event, error }) => handleEmailFailure(getDeps, event.data.event.data?.outboxId, error),
    },
    async ({ event, step }) => deliverOutboxRow(await getDeps(), event.data.outboxId, inngestStep(step)),
  );
}
