import { desc, mailboxMessages, type MailboxMessage } from "@rekey/db";
import { isFromThisMachine } from "./loopback";
import type { Runtime } from "@rekey/runtime";

interface HeaderReader {
  get(name: string): string | null;
}

/** Whether this request may read the local mailbox (CONTRACT §6): where configuration serves it, from this machine only. */
export function mayReadMailbox(runtime: Runtime, headers: HeaderReader): boolean {
  return runtime.config.email.mailboxPage && isFromThisMachine(runtime.config, headers);
}

/** The local mailbox (newest first), or null where this request must not see it (see `mayReadMailbox`). */
export async function listMailbox(runtime: Runtime, headers: HeaderReader, limit = 50): Promise<MailboxMessage[] | null> {
  if (!mayReadMailbox(runtime, headers)) return null;
  return runtime.deps.db.select().from(mailboxMessages).orderBy(desc(mailboxMessages.createdAt)).limit(limit);
}
