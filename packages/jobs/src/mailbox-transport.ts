import type { Database } from "@rekey/db";
import { mailboxMessages } from "@rekey/db";
import type { SendInput, SendResult, Transport } from "@rekey/email";

/**
 * Keeps mail in the database instead of sending it (no RESEND_API_KEY): the embedded default shows it at
 * /dev/mailbox. The idempotency key is unique, so a retried send files no second copy.
 */
export function createMailboxTransport(db: Database, from: string): Transport {
  return {
    kind: "mailbox",
    async send(input: SendInput): Promise<SendResult> {
      await db
        .insert(mailboxMessages)
        .values({ idempotencyKey: input.idempotencyKey, from, to: input.to, subject: input.subject, html: input.html, text: input.text })
        .onConflictDoNothing({ target: mailboxMessages.idempotencyKey });
      return { ok: true, id: `mailbox:${input.idempotencyKey}` };
    },
  };
}
