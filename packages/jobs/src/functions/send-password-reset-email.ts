import type { Inngest } from "inngest";
import { deliverOutboxRow, type JobDeps } from "../deliver";
import { passwordResetRequested } from "../events";
import { EMAIL_RETRIES, handleEmailFailure, inngestStep } from "./inngest-step";

/** `auth/password-reset.requested` → the reset email (or nothing, for an address without an account). */
export function sendPasswordResetEmail(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return inngest.createFunction(
    {
      id: "send-password-reset-email",
      triggers: [passwordResetRequested],
      retries: EMAIL_RETRIES,
      onFailure: ({ event, error }) => handleEmailFailure(getDeps, event.data.event.data?.outboxId, error),
    },
    async ({ event, step }) => deliverOutboxRow(await getDeps(), event.data.outboxId, inngestStep(step)),
  );
}
