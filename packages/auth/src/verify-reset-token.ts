import type { AuthDeps, RequestMeta } from "./deps";
import { maskEmail } from "./mask";
import { enforceLimit, ipSubject } from "./rate-limit";
import { resolveResetToken, type ResetCredential } from "./reset-token";

export interface VerifyResetTokenResult {
  maskedEmail: string;
  username: string;
  expiresAt: Date;
}

/** Checks a reset link's token, or an address and its code, without consuming it; says whose it is (email masked). */
export async function verifyResetToken(deps: AuthDeps, input: ResetCredential, meta: RequestMeta): Promise<VerifyResetTokenResult> {
  await enforceLimit(deps, meta, "token_ip", ipSubject(meta.ip));
  const { token, user } = await resolveResetToken(deps, input, meta, "password_reset.verify_failed");
  return { maskedEmail: maskEmail(user.email), username: user.username, expiresAt: token.expiresAt };
}
