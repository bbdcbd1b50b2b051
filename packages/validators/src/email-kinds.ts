/** Every kind of email the product sends; the outbox's `outbox_kind` enum must list the same (checked in auth). */
export const EMAIL_KINDS = ["password_reset", "password_changed"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];
