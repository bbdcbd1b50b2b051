import type { Inngest } from "inngest";
import { deliverOutboxRow, type JobDeps } from "../deliver";
import { passwordChanged } from "../events";
import { EMAIL_RETRIES, handleEmailFailure, inngestStep } from "./inngest-step";

/** `auth/password.changed` → the "your password was changed" notice. */
export function sendPasswordChangedEmail(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return inngest.createFunction(
    {
      id: "send-password-changed-email",
      triggers: [passwordChanged],
      retries: EMAIL_RETRIES,
      onFailure: ({ event, error }) => handleEmailFailure(getDeps, event.data.event.data?.outboxId, error),
    },
    async ({ event, step }) => deliverOutboxRow(await getDeps(), event.data.outboxId, inngestStep(step)),
  );
}
