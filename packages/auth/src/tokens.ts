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

/**
 * The 8-digit code sent with a reset link (CONTRACT §4a), derived like the token so a retried job re-sends
 * the same one. Reduction of 64 bits modulo 10^8: the bias is below 10^-11.
 */
export function deriveResetCode(secret: string, outboxId: string): string {
  const bytes = createHmac("sha256", secret).update(`password-reset-code:${outboxId}`).digest();
  return (bytes.readBigUInt64BE(0) % 100_000_000n).toString().padStart(8, "0");
}

/**
 * What is stored of a code: keyed with AUTH_SECRET (10^8 codes are too few for a plain hash; a leaked
 * table must not give them away) and bound to the account, so a code only ever matches its own address.
 */
export function resetCodeHash(secret: string, userId: string, code: string): string {
  return createHmac("sha256", secret).update(`password-reset-code-hash:${userId}:${code}`).digest("hex");
}

/** A code as people type it: digits, maybe with spaces or a dash between the halves. Null if it cannot be one. */
export function normalizeResetCode(value: string): string | null {
  const digits = value.replace(/[\s-]/g, "");
  return /^\d{8}$/.test(digits) ? digits : null;
}

/** The raw token of the "this wasn't me" link in one password-changed email, derived like a reset token. */
export function deriveSecureAccountToken(secret: string, outboxId: string): string {
  return createHmac("sha256", secret).update(`secure-account:${outboxId}`).digest("base64url");
}
