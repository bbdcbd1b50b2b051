import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { purgeExpired } from "./purge-expired";
import { sendPasswordChangedEmail } from "./send-password-changed-email";
import { sendPasswordResetEmail } from "./send-password-reset-email";
import { sweepOutbox } from "./sweep-outbox";

export { handleEmailFailure } from "./inngest-step";

/** Every function served at /api/inngest. */
export function createFunctions(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return [
    sendPasswordResetEmail(inngest, getDeps),
    sendPasswordChangedEmail(inngest, getDeps),
    sweepOutbox(inngest, getDeps),
    purgeExpired(inngest, getDeps),
  ];
}
