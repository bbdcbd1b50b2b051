import type { AuthDeps } from "@rekey/auth";
import { and, auditEvents, emailOutbox, inArray, lt, mailboxMessages, passwordResetTokens, rateLimits, usedCaptchas } from "@rekey/db";

const DAY = 86_400_000;

export const RETENTION = {
  /** Reset tokens, kept a week past expiry so support can answer "why did my link not work". */
  tokensDays: 7,
  /** Finished outbox rows. */
  outboxDays: 30,
  mailboxDays: 7,
  auditDays: 180,
} as const;

/** Deletes what no one needs any more. Returns the counts, for the log. */
export async function purgeExpired(deps: AuthDeps): Promise<Record<string, number>> {
  const now = deps.clock().getTime();
  const before = (days: number) => new Date(now - days * DAY);
  const { db } = deps;
  const tokens = await db.delete(passwordResetTokens).where(lt(passwordResetTokens.expiresAt, before(RETENTION.tokensDays))).returning({ id: passwordResetTokens.id });
  const outbox = await db
    .delete(emailOutbox)
    .where(and(inArray(emailOutbox.status, ["sent", "skipped", "dead", "expired"]), lt(emailOutbox.createdAt, before(RETENTION.outboxDays))))
    .returning({ id: emailOutbox.id });
  const mailbox = await db.delete(mailboxMessages).where(lt(mailboxMessages.createdAt, before(RETENTION.mailboxDays))).returning({ id: mailboxMessages.id });
  const limits = await db.delete(rateLimits).where(lt(rateLimits.windowEndsAt, new Date(now))).returning({ key: rateLimits.key });
  const captchas = await db.delete(usedCaptchas).where(lt(usedCaptchas.expiresAt, new Date(now))).returning({ s: usedCaptchas.signature });
  const audits = await db.delete(auditEvents).where(lt(auditEvents.at, before(RETENTION.auditDays))).returning({ id: auditEvents.id });
  const counts = { tokens: tokens.length, outbox: outbox.length, mailbox: mailbox.length, rateLimits: limits.length, captchas: captchas.length, audit: audits.length };
  deps.logger.info(counts, "purged expired rows");
  return counts;
}
