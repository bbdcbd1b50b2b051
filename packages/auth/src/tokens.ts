import { createHash, createHmac, randomBytes } from "node:crypto";

/** 32 random bytes, base64url: 256 bits, 43 characters, safe in a URL and a header. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** True for strings of the shape every token here has; anything else can be refused without a lookup. */
export function isWellFormedToken(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/**
 * The raw reset token for one request (outbox row): an HMAC under AUTH_SECRET, so the raw value is never
 * stored yet a retried job re-derives exactly the link it already emailed.
 */
export function deriveResetToken(secret: string, outboxId: string): string {
  return createHmac("sha256", secret).update(`password-reset:${outboxId}`).digest("base64url");
}
