import type { EmailKind } from "@rekey/validators";
import { eventType } from "inngest";
import { z } from "zod";

/**
 * Events carry the outbox row's id only: never an address, a token or a link. Strict, because the SDK
 * sends `data` as given (`validate()` checks it but does not strip unknown keys): an extra field is refused
 * at `inngest.send` rather than shipped to Inngest.
 */
const outboxRef = z.strictObject({ outboxId: z.uuid() });

export const passwordResetRequested = eventType("auth/password-reset.requested", { schema: outboxRef });
export const passwordChanged = eventType("auth/password.changed", { schema: outboxRef });

/** The event that wakes delivery of each kind of email. */
export const EVENT_FOR_KIND = {
  password_reset: passwordResetRequested,
  password_changed: passwordChanged,
} as const satisfies Record<EmailKind, unknown>;
