import type { AuthDeps, RequestMeta } from "./deps";
import { maskEmail } from "./mask";
import { enforceLimit, ipSubject } from "./rate-limit";
import { resolveResetToken } from "./reset-token";

export interface VerifyResetTokenResult {
  maskedEmail: string;
  username: string;
  expiresAt: Date;
}

/** Checks a reset token without consuming it and says whose it is (email masked). */
export async function verifyResetToken(
  deps: AuthDeps,
  input: { token: string },
  meta: RequestMeta,
): Promise<VerifyResetTokenResult> {
  await enforceLimit(deps, meta, "token_ip", ipSubject(meta.ip));
  const { token, user } = await resolveResetToken(deps, input.token, meta, "password_reset.verify_failed");
  return { maskedEmail: maskEmail(user.email), username: user.username, expiresAt: token.expiresAt };
}
