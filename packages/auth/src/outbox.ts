import { randomUUID } from "node:crypto";
import type { Config } from "@rekey/config";
import { emailOutbox, reusableStatement, sql, type Executor, type outboxKind } from "@rekey/db";
import type { EMAIL_KINDS, EmailKind } from "@rekey/validators";
import { auditInsertTemplate, auditValues, type AuditEntry } from "./audit";
import type { AuthDeps, OutboxNotice, RequestMeta } from "./deps";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails `tsc` unless the db's `outbox_kind` enum (which may import nothing) lists exactly `EMAIL_KINDS`, in order. */
type _OutboxKindIsEmailKinds = Assert<Same<Readonly<(typeof outboxKind)["enumValues"]>, typeof EMAIL_KINDS>>;
type Assert<T extends true> = T;

/**
 * How long a "your password was changed" notice may take to reach the provider. It carries no link that
 * expires, and it is the one warning a person gets after someone else took their account: late is far
 * better than never, so it outlives a provider outage of hours or a stopped worker overnight. A day is also
 * how long Resend keeps an idempotency key, so every retry stays covered by it.
 */
const PASSWORD_CHANGED_DELIVERY_SECONDS = 24 * 60 * 60;

/**
 * The delivery deadline of an email of `kind` requested at `at`: no send starts after it. For a reset
 * request it is the link's expiry (request time + PASSWORD_RESET_TTL_SECONDS). The one place either is
 * computed; the row stores the result, and everything after reads it from there.
 */
export function deliveryDeadline(config: Pick<Config, "resetTtlSeconds">, kind: EmailKind, at: Date): Date {
  const seconds = kind === "password_reset" ? config.resetTtlSeconds : PASSWORD_CHANGED_DELIVERY_SECONDS;
  return new Date(at.getTime() + seconds * 1000);
}

export interface EmailToQueue {
  kind: EmailKind;
  /** The address as typed (reset requests) or the account's address (notifications). */
  recipient: string;
  /** Known for notifications; a reset request's account is resolved by the job. */
  userId?: string | null;
  /** Who asked, shown in the email; and the email's language. */
  meta: RequestMeta;
  /** The request's instant: the row's creation time and the start of its deadline. */
  at: Date;
  /** An audit event written in the same statement (`details.outboxId` is filled in). */
  audit?: AuditEntry;
}

/** A row written by {@link enqueueEmail}: what to wake after commit, and its deadline. */
export interface QueuedEmail extends OutboxNotice {
  expiresAt: Date;
}

/**
 * The only writer of outbox rows. Call it inside the caller's transaction (or with `audit`, alone), so the
 * row commits (or not) with the change it reports; then pass the result to {@link notifyOutbox} once it has
 * committed.
 * Computes the delivery deadline once and stores it on the row.
 */
export async function enqueueEmail(tx: Executor, deps: Pick<AuthDeps, "config">, email: EmailToQueue): Promise<QueuedEmail> {
  const expiresAt = deliveryDeadline(deps.config, email.kind, email.at);
  const { meta, at } = email;
  const id = randomUUID();
  const columns = {
    id,
    kind: email.kind,
    recipient: email.recipient,
    userId: email.userId ?? null,
    locale: meta.locale,
    payload: { ip: meta.ip, userAgent: meta.userAgent?.slice(0, 512) ?? null, at: at.toISOString() },
    expiresAt,
  };
  if (email.audit) {
    const entry = { ...email.audit, details: { ...email.audit.details, outboxId: id } };
    await queueAudited(tx, { ...columns, at, ...auditValues(at, meta, entry) });
  } else {
    await tx.insert(emailOutbox).values({ ...columns, nextAttemptAt: at, createdAt: at, updatedAt: at });
  }
  return { id, kind: email.kind, expiresAt };
}

/**
 * The row and its audit event in ONE statement (atomic without a transaction, one round trip), rendered
 * once: a reset request runs it every time.
 */
const queueAudited = reusableStatement((db) => {
  const at = sql.placeholder("at");
  const insert = db.insert(emailOutbox).values({
    id: sql.placeholder("id"),
    kind: sql.placeholder("kind"),
    recipient: sql.placeholder("recipient"),
    userId: sql.placeholder("userId"),
    locale: sql.placeholder("locale"),
    payload: sql.placeholder("payload"),
    nextAttemptAt: at,
    expiresAt: sql.placeholder("expiresAt"),
    createdAt: at,
    updatedAt: at,
  });
  return sql`with queued as (${insert.getSQL()}) ${auditInsertTemplate(db).getSQL()}`;
});

/**
 * After commit: wakes whatever delivers (the embedded worker, or an Inngest event). Never throws and never
 * waits: a lost wake-up only delays the email until the worker's next poll or the Inngest sweeper.
 */
export function notifyOutbox(deps: Pick<AuthDeps, "onOutbox" | "logger">, rows: QueuedEmail[]): void {
  if (rows.length === 0 || !deps.onOutbox) return;
  try {
    deps.onOutbox(rows.map(({ id, kind }) => ({ id, kind })));
  } catch (error) {
    deps.logger.warn({ rows: rows.map((row) => row.id), err: error }, "outbox wake-up failed; the row waits for the next poll");
  }
}
