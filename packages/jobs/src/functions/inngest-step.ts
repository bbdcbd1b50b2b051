import { NonRetriableError, RetryAfterError, type Inngest } from "inngest";
import { deliverOutboxRow, type JobDeps } from "../deliver";
import type { passwordChanged, passwordResetRequested } from "../events";
import { markDead } from "../outbox";
import type { RetryPolicy } from "../retry";
import { PermanentDeliveryError, RetryableDeliveryError, type StepRunner } from "../step";

/**
 * Retries per step: Inngest's maximum. The delays are ours (retry.ts, handed over as RetryAfterError), and
 * the row's deadline ends the retries long before: a 10-minute link fits about 15 attempts.
 */
const EMAIL_RETRIES = 20;

/** The retry policy of the email functions: the row is dead at Inngest's last attempt, not after it. */
const INNGEST_RETRY_POLICY: RetryPolicy = { maxAttempts: EMAIL_RETRIES + 1, random: Math.random };

/**
 * Lets Inngest's step tooling run the shared job body, translating our errors into Inngest's retry signals:
 * a scheduled retry becomes a RetryAfterError with our delay (whole seconds, rounded up, as Inngest keeps
 * it; the schedule leaves at least a second of margin before the deadline), a dead row a NonRetriableError.
 */
function inngestStep(step: { run: (id: string, fn: () => Promise<unknown>) => Promise<unknown> }): StepRunner {
  return {
    run: async <T>(id: string, fn: () => Promise<T>) =>
      (await step.run(id, async () => {
        try {
          return await fn();
        } catch (error) {
          if (error instanceof PermanentDeliveryError) throw new NonRetriableError(error.message, { cause: error });
          if (error instanceof RetryableDeliveryError && error.retryInMs !== undefined) {
            throw new RetryAfterError(error.message, error.retryInMs, { cause: error });
          }
          throw error;
        }
      })) as T,
  };
}

/** `onFailure` of the email functions: after the last attempt the row is dead and audited. */
export async function handleEmailFailure(getDeps: () => Promise<JobDeps>, outboxId: string | undefined, error: unknown): Promise<void> {
  if (!outboxId) return;
  await markDead((await getDeps()).auth, outboxId, error);
}

/**
 * An email function: one outbox row per event, retried by Inngest on our schedule inside the row's deadline
 * (a retry that would fall after it expires the row instead, and the run ends), dead and audited after the
 * last try.
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
    async ({ event, step }) => deliverOutboxRow(await getDeps(), event.data.outboxId, inngestStep(step), { policy: INNGEST_RETRY_POLICY }),
  );
}
