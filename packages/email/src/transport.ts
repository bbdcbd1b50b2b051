/** One email to deliver, already rendered. */
export interface SendInput {
  to: string;
  subject: string;
  html: string;
  text: string;
  /**
   * Stable per logical email (e.g. the outbox row id): a retry with the same key must never produce a second
   * email. Resend keeps keys for 24 hours and accepts up to 256 characters.
   */
  idempotencyKey: string;
}

/** Outcome of one delivery attempt. Transports never throw for delivery failures; they return this. */
export type SendResult =
  | {
      ok: true;
      /** The provider's message id; null when the provider only said it already accepted this key. */
      id: string | null;
      /**
       * The provider had already accepted a send with this idempotency key (an earlier attempt whose answer
       * was lost, possibly with a body rendered differently since): the email is on its way, exactly once.
       */
      alreadyAccepted?: boolean;
    }
  | {
      ok: false;
      /** True when the same call may succeed later (rate limit, 5xx, network, timeout). */
      retryable: boolean;
      /** Server-requested wait before the next attempt, when it gave one. */
      retryAfterSeconds?: number;
      /**
       * A send with the same idempotency key is still being processed by the provider: it settles within a
       * second or two, so retry about then rather than after a backoff.
       */
      inFlight?: boolean;
      /** HTTP status, when a response arrived. */
      status?: number;
      /** Human-readable reason, safe to log: it never contains credentials. */
      error: string;
    };

/** Anything that can deliver a rendered email: Resend, a local mailbox table, a test double. */
export interface Transport {
  send(input: SendInput): Promise<SendResult>;
  /** Where an accepted message went, for the log line an operator reads ("accepted by Resend" vs "stored"). */
  readonly kind?: "resend" | "mailbox";
  /**
   * Upper bound of one `send`, when the transport enforces one. Delivery starts no send closer than this to
   * an email's deadline, so a slow answer never lands after it.
   */
  readonly timeoutMs?: number;
}
