export { type Database, type DatabaseHandle, type Executor, openDatabase, queryRows } from "./client";
export { DatabaseTimeoutError } from "./deadlines";
export { reusableStatement } from "./reusable";
export { DatabaseUnreachableError } from "./client";
export {
  type MailboxMessage,
  type OutboxRow,
  type PasswordResetToken,
  type SecureAccountToken,
  type User,
  auditEvents,
  emailOutbox,
  mailboxMessages,
  outboxKind,
  passwordResetTokens,
  rateLimits,
  secureAccountTokens,
  sessions,
  usedCaptchas,
  users,
} from "./schema";
export { DataDirInUseError } from "./dir-lock";
export { MAX_ERROR_TEXT, safeErrorText, scrubSecrets, summarizeError, type ErrorSummary } from "./errors";
export { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
export type { SQL } from "drizzle-orm";
export type { PgColumn, PgTable } from "drizzle-orm/pg-core";
