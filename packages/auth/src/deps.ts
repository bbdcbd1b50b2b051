import type { Config } from "@rekey/config";
import type { Database } from "@rekey/db";
import type { EmailKind, Locale } from "@rekey/validators";
import type { RefusalMemo } from "./refusal-memo";
import type { Clock } from "./time";

export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** What every service needs, injected by the caller (the API runtime, a job, a test). */
export interface AuthDeps {
  db: Database;
  config: Config;
  /** AUTH_SECRET, resolved (generated in the embedded default). Keys the reset-token HMAC. */
  secret: string;
  clock: Clock;
  logger: Logger;
  /**
   * Told of outbox rows once they are committed, so delivery can start at once. Called only through
   * `notifyOutbox` (outbox.ts), after `enqueueEmail` wrote the rows. Must not block.
   */
  onOutbox?: (rows: OutboxNotice[]) => void;
  /** Clients this process has refused until their window ends (see RefusalMemo); none: every hit is counted. */
  refusals?: RefusalMemo;
  /** Proof of work per captcha challenge; `CAPTCHA_WORK` unless a test asks for less. */
  captchaWork?: CaptchaWork;
}

/** How much work a captcha challenge asks for: PBKDF2 iterations per attempt, and the range of attempts. */
export interface CaptchaWork {
  cost: number;
  counter: { min: number; max: number };
}

/** A committed outbox row, as delivery is woken for it: its id (the provider's idempotency key) and kind. */
export interface OutboxNotice {
  id: string;
  kind: EmailKind;
}

/** Who is asking: worked out once per request by the API layer. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  locale: Locale;
}
