import type { AuthDeps } from "@rekey/auth";
import { createResendTransport, type Transport } from "@rekey/email";
import { createMailboxTransport } from "./mailbox-transport";

// Apart from setup.ts so that the delivery thread, which imports this, does not load the Inngest SDK.
export function createTransport(auth: AuthDeps): Transport {
  const { email } = auth.config;
  if (email.transport === "resend" && email.resendApiKey) {
    return createResendTransport({ apiKey: email.resendApiKey, baseUrl: email.resendBaseUrl, from: email.from });
  }
  return createMailboxTransport(auth.db, email.from);
}
