import type { AuthDeps } from "@rekey/auth";
import {
  and,
  auditEvents,
  emailOutbox,
  inArray,
  lt,
  mailboxMessages,
  passwordResetTokens,
  rateLimits,
  secureAccountTokens,
  usedCaptchas,
  type Database,
  type PgColumn,
  type PgTable,
  type SQL,
} from "@rekey/db";

const DAY = 86_400_000;
/** Rows per DELETE: every statement stays far inside the database client's query deadline. */
const BATCH = 500;

const RETENTION = {
  /** Reset tokens, kept a week past expiry so support can answer "why did my link not work". */
  tokensDays: 7,
  /** Finished outbox rows. */
  outboxDays: 30,
  mailboxDays: 7,
  auditDays: 180,
} as const;

/**
 * Deletes every row of `table` matching `where`, `BATCH` rows per statement: one unbounded DELETE on a large
 * table would outlast the query deadline (and hold its locks) and fail every time, so nothing would ever go.
 */
async function deleteInBatches(db: Database, table: PgTable, key: PgColumn, where: SQL | undefined): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = db.select({ key }).from(table).where(where).limit(BATCH);
    const deleted = await db.delete(table).where(inArray(key, batch)).returning({ key });
    total += deleted.length;
    if (deleted.length < BATCH) return total;
  }
}

/** Deletes what no one needs any more. Returns the counts, for the log. */
export async function purgeExpired(deps: AuthDeps): Promise<Record<string, number>> {
  const now = deps.clock().getTime();
  const before = (days: number) => new Date(now - days * DAY);
  const { db } = deps;
  const finished = inArray(emailOutbox.status, ["sent", "skipped", "dead", "expired"]);
  const counts = {
    tokens: await deleteInBatches(db, passwordResetTokens, passwordResetTokens.id, lt(passwordResetTokens.expiresAt, before(RETENTION.tokensDays))),
    secureAccountTokens: await deleteInBatches(
      db,
      secureAccountTokens,
      secureAccountTokens.id,
      lt(secureAccountTokens.expiresAt, before(RETENTION.tokensDays)),
    ),
    outbox: await deleteInBatches(db, emailOutbox, emailOutbox.id, and(finished, lt(emailOutbox.createdAt, before(RETENTION.outboxDays)))),
    mailbox: await deleteInBatches(db, mailboxMessages, mailboxMessages.id, lt(mailboxMessages.createdAt, before(RETENTION.mailboxDays))),
    rateLimits: await deleteInBatches(db, rateLimits, rateLimits.key, lt(rateLimits.windowEndsAt, new Date(now))),
    captchas: await deleteInBatches(db, usedCaptchas, usedCaptchas.signature, lt(usedCaptchas.expiresAt, new Date(now))),
    audit: await deleteInBatches(db, auditEvents, auditEvents.id, lt(auditEvents.at, before(RETENTION.auditDays))),
  };
  deps.logger.info(counts, "purged expired rows");
  return counts;
}
