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

/** The columns of one event. */
function auditRow(at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry) {
  return {
    at,
    event: entry.event,
    reason: entry.reason ?? null,
    userId: entry.userId ?? null,
    subject: entry.subject ?? null,
    ip: meta?.ip ?? null,
    userAgent: meta?.userAgent?.slice(0, 512) ?? null,
    details: entry.details ?? null,
  };
}

/** The insert {@link audit} runs. */
function auditInsert(db: Executor, at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry) {
  return db.insert(auditEvents).values(auditRow(at, meta, entry));
}

const AUDIT_SLOT = "audit.";

/**
 * {@link auditInsert} with a placeholder (`audit.<column>`) for each value, for a statement rendered once
 * (`reusableStatement`); {@link auditValues} fills them.
 */
export function auditInsertTemplate(db: Executor) {
  const columns = Object.keys(auditRow(new Date(0), null, { event: "" }));
  return db.insert(auditEvents).values(Object.fromEntries(columns.map((column) => [column, sql.placeholder(AUDIT_SLOT + column)])) as never);
}

/**
 * The values of {@link auditInsertTemplate}'s placeholders for one event. `details` must be an object: a
 * placeholder goes through the jsonb encoder, which would store `null` as JSON rather than SQL NULL.
 */
export function auditValues(at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry & { details: Record<string, unknown> }) {
  return Object.fromEntries(Object.entries(auditRow(at, meta, entry)).map(([column, value]) => [AUDIT_SLOT + column, value]));
}
