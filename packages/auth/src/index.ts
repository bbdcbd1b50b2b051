// The auth services (one function per use case) and what their callers need to call them. Named, so what
// is not listed here stays internal to the package.
export { audit } from "./audit";
export { ensureDemoAccount } from "./demo-account";
export { type AuthDeps, type CaptchaWork, type Logger, type OutboxNotice, type RequestMeta } from "./deps";
export { AuthError } from "./errors";
export { RefusalMemo } from "./refusal-memo";
export { maskEmail } from "./mask";
export { mintResetLink } from "./mint-reset-link";
export { hashPassword } from "./password";
export { requestPasswordReset } from "./request-password-reset";
export { resetPassword } from "./reset-password";
export { mintSecureAccountLink, reportPasswordChange } from "./secure-account";
export { createSession, getSession } from "./sessions";
export { signIn } from "./sign-in";
export { signOut } from "./sign-out";
export { signUp } from "./sign-up";
export { type Clock, expiryFields, formatLocalTime, systemClock } from "./time";
export { deriveResetToken, randomToken, sha256Hex } from "./tokens";
export { publicUser } from "./users";
export { verifyResetToken } from "./verify-reset-token";
export { createCaptchaChallenge } from "./captcha";
