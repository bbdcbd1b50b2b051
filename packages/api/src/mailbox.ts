import { desc, mailboxMessages, type MailboxMessage } from "@rekey/db";
import { clientIp, REMOTE_ADDR_HEADER } from "./client-ip";
import { hostNameOf, isLoopbackAddress, isLoopbackName } from "./loopback";
import type { Runtime } from "./runtime";

interface HeaderReader {
  get(name: string): string | null;
}

/**
 * Whether this request may read the local mailbox (CONTRACT §6): only where configuration serves it, and only
 * to a client on this machine, whatever `HOST` is. Both the socket peer and the client address (behind a
 * trusted proxy on this machine, the address it forwards for) must be loopback. The Host must name this
 * machine or APP_URL, so a page on another site that rebinds its DNS name to 127.0.0.1 cannot read it.
 */
export function mayReadMailbox(runtime: Runtime, headers: HeaderReader): boolean {
  const { config } = runtime;
  if (!config.email.mailboxPage) return false;
  const peer = headers.get(REMOTE_ADDR_HEADER);
  const client = clientIp(new Headers({ [REMOTE_ADDR_HEADER]: peer ?? "", "x-forwarded-for": headers.get("x-forwarded-for") ?? "" }), config.trustProxy);
  if (!isLoopbackAddress(peer) || !isLoopbackAddress(client)) return false;
  const host = hostNameOf(headers.get("host"));
  return host !== null && (isLoopbackName(host) || host === new URL(config.appUrl).hostname.toLowerCase());
}

/** The local mailbox (newest first), or null where this request must not see it (see `mayReadMailbox`). */
export async function listMailbox(runtime: Runtime, headers: HeaderReader, limit = 50): Promise<MailboxMessage[] | null> {
  if (!mayReadMailbox(runtime, headers)) return null;
  return runtime.deps.db.select().from(mailboxMessages).orderBy(desc(mailboxMessages.createdAt)).limit(limit);
}
