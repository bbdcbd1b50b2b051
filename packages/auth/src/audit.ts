import { auditEvents, type Executor } from "@rekey/db";
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
export function auditInsert(db: Executor, at: Date, meta: Partial<RequestMeta> | null, entry: AuditEntry) {
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
