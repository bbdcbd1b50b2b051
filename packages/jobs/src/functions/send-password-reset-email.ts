import type { Inngest } from "inngest";
import type { JobDeps } from "../deliver";
import { passwordResetRequested } from "../events";
import { createEmailFunction } from "./inngest-step";

/** `auth/password-reset.requested` → the reset email (or nothing, for an address without an account). */
export function sendPasswordResetEmail(inngest: Inngest, getDeps: () => Promise<JobDeps>) {
  return createEmailFunction(inngest, getDeps, "send-password-reset-email", passwordResetRequested);
}
