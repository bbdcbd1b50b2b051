import "./jitless";
import { z } from "zod";
import { EMAIL_MAX_LENGTH, EMAIL_PATTERN } from "./email";

const email = z
  .string()
  .trim()
  .max(EMAIL_MAX_LENGTH)
  .pipe(z.email({ pattern: EMAIL_PATTERN }))
  .transform((value) => value.toLowerCase());

/** Password fields are checked for type and a sane size here; the policy (`passwordProblem`) runs in the service. */
const password = z.string().max(1024);
/** Tokens are checked for type here; a malformed token is a TOKEN_INVALID answer, not a parameter error. */
const token = z.string().max(1024);
const captcha = z.string().max(8192).optional();

export const requestPasswordResetInput = z.object({ email, captcha });
/** The 8-digit code from the reset email, with or without the space (`1234 5678`); its shape is checked by the service. */
const code = z.string().max(32);

/**
 * A reset is proven by the link's token, or by the address and the code from the same email (CONTRACT §4a).
 * One object rather than a union, so a missing or mistyped field is reported at its own path.
 */
const credential = { token: token.optional(), email: email.optional(), code: code.optional() };
type Credential = { token: string } | { email: string; code: string };
function toCredential(value: { token?: string; email?: string; code?: string }, ctx: z.RefinementCtx): Credential {
  if (value.token !== undefined) return { token: value.token };
  if (value.email !== undefined && value.code !== undefined) return { email: value.email, code: value.code };
  if (value.email !== undefined) ctx.addIssue({ code: "custom", path: ["code"], message: "code is required with email" });
  else if (value.code !== undefined) ctx.addIssue({ code: "custom", path: ["email"], message: "email is required with code" });
  else ctx.addIssue({ code: "custom", path: ["token"], message: "token, or email and code, is required" });
  return z.NEVER;
}

export const verifyResetTokenInput = z.object(credential).transform(toCredential);
export const resetPasswordInput = z
  .object({ ...credential, new_password: password })
  .transform((value, ctx): Credential & { new_password: string } => ({ ...toCredential(value, ctx), new_password: value.new_password }));

/** The token of the "this wasn't me" link in the password-changed email. */
export const reportPasswordChangeInput = z.object({ token });
export const reportPasswordChangeOutput = z.null();

const username = z
  .string()
  .trim()
  .min(3)
  .max(32)
  .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '.' and '-' only");

export const signUpInput = z.object({ email, username, password });
/** `captcha` is needed only once the account is past its failed sign-in limit (answer CAPTCHA_REQUIRED). */
/** An email address or a username. Control characters are no part of either (and PostgreSQL text refuses NUL). */
const account = z
  .string()
  .trim()
  .min(1)
  .max(EMAIL_MAX_LENGTH)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]*$/, "control characters are not allowed");

export const signInInput = z.object({ account, password, captcha });

const expiry = {
  /** Wall-clock time in `APP_TIMEZONE`, `YYYY-MM-DD HH:mm:ss` (the seed's format). */
  expire_time: z.string(),
  /** The same instant, ISO-8601 with offset. */
  expire_at: z.string(),
};

export const requestPasswordResetOutput = z.object({ ...expiry });
export const verifyResetTokenOutput = z.object({
  email: z.string(),
  username: z.string(),
  valid: z.literal(true),
  ...expiry,
});
export const resetPasswordOutput = z.null();
export const userOutput = z.object({ id: z.string(), email: z.string(), username: z.string() });
export const signInOutput = z.object({
  /** Bearer token; present only for API sessions (web sessions live in an httpOnly cookie). */
  token: z.string().optional(),
  user: userOutput,
  ...expiry,
});
export const signOutOutput = z.null();
