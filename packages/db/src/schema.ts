import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

const timestamptz = (name?: string) =>
  name ? timestamp(name, { withTimezone: true, mode: "date" }) : timestamp({ withTimezone: true, mode: "date" });

export const userStatus = pgEnum("user_status", ["active", "disabled"]);
export const sessionKind = pgEnum("session_kind", ["web", "api"]);
export const outboxKind = pgEnum("outbox_kind", ["password_reset", "password_changed"]);
/**
 * `pending` until delivered (`sent`), found to need no email (`skipped`), refused by the provider or out of
 * attempts (`dead`, an operator may re-queue it), or past its delivery deadline (`expired`: never sent late).
 */
export const outboxStatus = pgEnum("outbox_status", ["pending", "sent", "skipped", "dead", "expired"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stored lower-cased; the unique index on lower(email) also guards rows written by hand. */
    email: text().notNull(),
    username: text().notNull(),
    /** argon2id PHC string. */
    passwordHash: text().notNull(),
    status: userStatus().notNull().default("active"),
    locale: text().notNull().default("zh-CN"),
    passwordChangedAt: timestamptz().notNull().defaultNow(),
    /** Set when the owner reported a password change as not theirs: password sign-in is refused until a reset. */
    lockedAt: timestamptz(),
    createdAt: timestamptz().notNull().defaultNow(),
    updatedAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`), uniqueIndex("users_username_lower_key").on(sql`lower(${t.username})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** SHA-256 of the session token (hex); the token itself is only ever in the cookie or the client. */
    tokenHash: text().notNull(),
    kind: sessionKind().notNull(),
    expiresAt: timestamptz().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [uniqueIndex("sessions_token_hash_key").on(t.tokenHash), index("sessions_user_id_idx").on(t.userId)],
);

export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Null once the account is deleted: the token then answers USER_NOT_FOUND rather than TOKEN_INVALID. */
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** SHA-256 of the raw token (hex). The raw token is never stored. */
    tokenHash: text().notNull(),
    /**
     * HMAC (keyed with AUTH_SECRET) of the account and the 8-digit code sent with the link; null once the
     * address's codes were burnt by wrong guesses (the link still works).
     */
    codeHash: text(),
    /** The outbox row (the request) that minted it: minting twice for one request yields one token. */
    outboxId: uuid().notNull(),
    requestedAt: timestamptz().notNull(),
    expiresAt: timestamptz().notNull(),
    usedAt: timestamptz(),
    revokedAt: timestamptz(),
    createdAt: timestamptz().notNull().defaultNow(),
    requestIp: text(),
    requestUserAgent: text(),
  },
  (t) => [
    uniqueIndex("password_reset_tokens_token_hash_key").on(t.tokenHash),
    uniqueIndex("password_reset_tokens_outbox_id_key").on(t.outboxId),
    index("password_reset_tokens_live_by_user_idx")
      .on(t.userId, t.requestedAt)
      .where(sql`${t.usedAt} is null and ${t.revokedAt} is null`),
    index("password_reset_tokens_expires_at_idx").on(t.expiresAt),
  ],
);

/**
 * "This wasn't me" links, sent in the "password changed" email: one per notice, valid 7 days, single use.
 * Only the token's SHA-256 is stored.
 */
export const secureAccountTokens = pgTable(
  "secure_account_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text().notNull(),
    /** The "password changed" outbox row that carried it: minting twice for one email yields one token. */
    outboxId: uuid().notNull(),
    expiresAt: timestamptz().notNull(),
    usedAt: timestamptz(),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("secure_account_tokens_token_hash_key").on(t.tokenHash),
    uniqueIndex("secure_account_tokens_outbox_id_key").on(t.outboxId),
    index("secure_account_tokens_expires_at_idx").on(t.expiresAt),
  ],
);

export type SecureAccountToken = typeof secureAccountTokens.$inferSelect;

export interface OutboxPayload {
  /** Requester or changer, shown in the email ("from which IP/browser"). */
  ip?: string | null;
  userAgent?: string | null;
  /** ISO instant of the request or change. */
  at?: string;
}

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: outboxKind().notNull(),
    /** The address as typed (reset requests) or the account's address (notifications). */
    recipient: text().notNull(),
    locale: text().notNull().default("zh-CN"),
    /** Resolved by the job for reset requests, so the request path does the same work for any address. */
    userId: uuid().references(() => users.id, { onDelete: "set null" }),
    payload: jsonb().$type<OutboxPayload>().notNull().default({}),
    status: outboxStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamptz().notNull().defaultNow(),
    /**
     * The delivery deadline, set once when the row is written (`enqueueEmail`): no send starts after it, and
     * a retry that would fall after it marks the row `expired` instead. For a reset request it is also the
     * link's expiry. No default: every writer states it.
     */
    expiresAt: timestamptz().notNull(),
    /** Lease of the worker that claimed it; past it the row can be claimed again. */
    lockedUntil: timestamptz(),
    /** Which claim holds the lease: renewals and retry scheduling only touch a row their claim still holds. */
    lockedBy: uuid(),
    lastError: text(),
    providerMessageId: text(),
    createdAt: timestamptz().notNull().defaultNow(),
    updatedAt: timestamptz().notNull().defaultNow(),
    sentAt: timestamptz(),
  },
  (t) => [
    index("email_outbox_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("email_outbox_created_at_idx").on(t.createdAt),
  ],
);

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: timestamptz().notNull().defaultNow(),
    /** e.g. password_reset.requested, password_reset.verify_failed, sign_in.failed, rate_limit.hit */
    event: text().notNull(),
    /** Machine-readable why, e.g. TOKEN_EXPIRED, reset_ip, unknown_account. */
    reason: text(),
    userId: uuid(),
    /** A normalised email or account name the event is about (never a password or token). */
    subject: text(),
    ip: text(),
    userAgent: text(),
    details: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_events_user_at_idx").on(t.userId, t.at), index("audit_events_event_at_idx").on(t.event, t.at)],
);

/** UNLOGGED (migration 0003): written on every request, and a counter lost in a crash only restarts a window. */
export const rateLimits = pgTable(
  "rate_limits",
  {
    /** `<limit name>:<subject>`, e.g. `reset_ip:203.0.113.7`. */
    key: text().primaryKey(),
    count: integer().notNull(),
    windowEndsAt: timestamptz().notNull(),
  },
  (t) => [index("rate_limits_window_ends_at_idx").on(t.windowEndsAt)],
);

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;
export type PasswordResetToken = typeof passwordResetTokens.$inferSelect;
export type OutboxRow = typeof emailOutbox.$inferSelect;

/**
 * The local mailbox transport (no RESEND_API_KEY): what would have been sent, shown at /dev/mailbox in the
 * embedded default. One message per outbox row, so a retried job never files a second copy.
 */
export const mailboxMessages = pgTable(
  "mailbox_messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The idempotency key: the outbox row the message was sent for. */
    idempotencyKey: text().notNull(),
    from: text().notNull(),
    to: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    createdAt: timestamptz().notNull().defaultNow(),
  },
  (t) => [uniqueIndex("mailbox_messages_idempotency_key_key").on(t.idempotencyKey), index("mailbox_messages_created_at_idx").on(t.createdAt)],
);

export type MailboxMessage = typeof mailboxMessages.$inferSelect;

/** Captcha solutions already accepted: each is good for one request only. Purged after expiry. */
export const usedCaptchas = pgTable(
  "used_captchas",
  {
    /** The challenge's signature, unique per issued challenge. */
    signature: text().primaryKey(),
    expiresAt: timestamptz().notNull(),
  },
  (t) => [index("used_captchas_expires_at_idx").on(t.expiresAt)],
);
