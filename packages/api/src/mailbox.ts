import { desc, mailboxMessages, type MailboxMessage } from "@rekey/db";
import type { Runtime } from "./runtime";

/**
 * The local mailbox (newest first), or null where it must not be shown: only the embedded default, or an
 * explicit EMAIL_TRANSPORT=mailbox, ever serves mail in a page.
 */
export async function listMailbox(runtime: Runtime, limit = 50): Promise<MailboxMessage[] | null> {
  if (!runtime.config.email.mailboxPage) return null;
  return runtime.deps.db.select().from(mailboxMessages).orderBy(desc(mailboxMessages.createdAt)).limit(limit);
}
