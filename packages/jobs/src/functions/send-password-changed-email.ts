import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { passwordChanged } from "../events";
import { createEmailFunction } from "./inngest-step";

/** `auth/password.changed` → the "your password was changed" notice. */
export function sendPasswordChangedEmail(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return createEmailFunction(inngest, getDeps, "send-password-changed-email", passwordChanged);
}
