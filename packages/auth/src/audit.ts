import { auditEvents, sql, type Executor } from "@rekey/db";
import type { RequestMeta } from "./deps";

export interface AuditEntry {
  event: string;
  reason?: string;
  userId?: string | null;
  subject?: string | null;
  details?: Record<string, unknown>;
}

/** Appends an auth event. Never pass a password, a token or a key in `details`. */
export async function audit(db: Executor, at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry) {
  await auditInsert(db, at, meta, entry);
}

/** The insert {@link audit} runs, unexecuted: for a statement that writes the event with another row. */
function auditInsert(db: Executor, at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry) {
  return db.insert(auditEvents).values({
    at,
    event: entry.event,
    reason: entry.reason ?? null,
    userId: entry.userId ?? null,
    subject: entry.subject ?? null,
    ip: meta?.ip ?? null,
    userAgent: meta?.userAgent?.slice(0, 512) ?? null,
    details: entry.details ?? null,
  });
}

/**
 * {@link auditInsert} with a placeholder for each value, named `${prefix}.column`, for a statement rendered
 * once (`reusableStatement`); {@link auditValues} fills them.
 */
export function auditInsertTemplate(db: Executor, prefix: string) {
  const slot = (column: string) => sql.placeholder(`${prefix}.${column}`);
  return db.insert(auditEvents).values({
    at: slot("at"),
    event: slot("event"),
    reason: slot("reason"),
    userId: slot("userId"),
    subject: slot("subject"),
    ip: slot("ip"),
    userAgent: slot("userAgent"),
    details: slot("details"),
  });
}

/** The values of {@link auditInsertTemplate}'s placeholders for one event (`details` must be an object). */
export function auditValues(at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry & { details: Record<string, unknown> }, prefix: string) {
  return {
    [`${prefix}.at`]: at,
    [`${prefix}.event`]: entry.event,
    [`${prefix}.reason`]: entry.reason ?? null,
    [`${prefix}.userId`]: entry.userId ?? null,
    [`${prefix}.subject`]: entry.subject ?? null,
    [`${prefix}.ip`]: meta?.ip ?? null,
    [`${prefix}.userAgent`]: meta?.userAgent?.slice(0, 512) ?? null,
    [`${prefix}.details`]: entry.details,
  };
}
