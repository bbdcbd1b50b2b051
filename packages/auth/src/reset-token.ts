import { eq, passwordResetTokens, users, type PasswordResetToken, type User } from "@rekey/db";
import type { ErrorCode } from "@rekey/validators";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { isWellFormedToken, sha256Hex } from "./tokens";

export interface LiveToken {
  token: PasswordResetToken;
  user: User;
}

/**
 * Resolves a raw reset token to its live row and account, or throws the answer the client gets:
 * TOKEN_INVALID (malformed, unknown, used, revoked), TOKEN_EXPIRED, USER_NOT_FOUND (disabled or deleted).
 * Read-only: looking at a token never consumes it (link scanners open links too).
 */
export async function resolveResetToken(
  deps: AuthDeps,
  raw: string,
  meta: RequestMeta,
  event: string,
): Promise<LiveToken> {
  const fail = async (code: ErrorCode, reason: string, row?: PasswordResetToken): Promise<never> => {
    await audit(deps.db, deps.clock(), meta, { event, reason, userId: row?.userId ?? null, details: row ? { tokenId: row.id } : undefined });
    throw new AuthError(code);
  };
  if (!isWellFormedToken(raw)) return fail("TOKEN_INVALID", "malformed");
  const [found] = await deps.db
    .select({ token: passwordResetTokens, user: users })
    .from(passwordResetTokens)
    .leftJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(eq(passwordResetTokens.tokenHash, sha256Hex(raw)));
  if (!found) return fail("TOKEN_INVALID", "unknown");
  const { token, user } = found;
  if (token.usedAt) return fail("TOKEN_INVALID", "used", token);
  if (token.revokedAt) return fail("TOKEN_INVALID", "revoked", token);
  if (token.expiresAt.getTime() <= deps.clock().getTime()) return fail("TOKEN_EXPIRED", "expired", token);
  if (!user || user.status !== "active") return fail("USER_NOT_FOUND", user ? "account_disabled" : "account_deleted", token);
  return { token, user };
}
