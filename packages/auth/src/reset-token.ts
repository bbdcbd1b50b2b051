import { and, eq, isNotNull, passwordResetTokens, users, type PasswordResetToken, type User } from "@rekey/db";
import type { ErrorCode } from "@rekey/validators";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { countInWindows } from "./rate-limit";
import { isWellFormedToken, normalizeResetCode, resetCodeHash, sha256Hex } from "./tokens";
import { findUserByEmail } from "./users";

export interface LiveToken {
  token: PasswordResetToken;
  user: User;
}

/** A reset is proven by the emailed link's token, or by the address and the 8-digit code (CONTRACT §4a). */
export type ResetCredential = { token: string } | { email: string; code: string };

/** Wrong codes for one address within a link's lifetime before every live code of it is burnt. */
export const MAX_WRONG_CODES = 5;

type Fail = (code: ErrorCode, reason: string, row?: PasswordResetToken, userId?: string) => Promise<never>;

/**
 * Resolves a reset credential to its live row and account, or throws the answer the client gets:
 * TOKEN_INVALID (malformed, unknown, used, revoked, wrong code, unknown address), TOKEN_EXPIRED,
 * USER_NOT_FOUND (disabled or deleted). Read-only for a token: looking never consumes it (link scanners
 * open links too). A wrong code counts against its address.
 */
export async function resolveResetToken(deps: AuthDeps, credential: ResetCredential, meta: RequestMeta, event: string): Promise<LiveToken> {
  const fail: Fail = async (code, reason, row, userId) => {
    const details = row ? { tokenId: row.id, via: "token" in credential ? "link" : "code" } : undefined;
    await audit(deps.db, deps.clock(), meta, { event, reason, userId: row?.userId ?? userId ?? null, details });
    throw new AuthError(code);
  };
  const found = "token" in credential ? await byToken(deps, credential.token, fail) : await byCode(deps, credential, meta, fail);
  const { token, user } = found;
  if (token.usedAt) return fail("TOKEN_INVALID", "used", token);
  if (token.revokedAt) return fail("TOKEN_INVALID", "revoked", token);
  if (token.expiresAt.getTime() <= deps.clock().getTime()) return fail("TOKEN_EXPIRED", "expired", token);
  if (!user || user.status !== "active") return fail("USER_NOT_FOUND", user ? "account_disabled" : "account_deleted", token);
  return { token, user };
}

async function byToken(deps: AuthDeps, raw: string, fail: Fail): Promise<{ token: PasswordResetToken; user: User | null }> {
  if (!isWellFormedToken(raw)) return fail("TOKEN_INVALID", "malformed");
  const [found] = await deps.db
    .select({ token: passwordResetTokens, user: users })
    .from(passwordResetTokens)
    .leftJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(eq(passwordResetTokens.tokenHash, sha256Hex(raw)));
  if (!found) return fail("TOKEN_INVALID", "unknown");
  return found;
}

async function byCode(
  deps: AuthDeps,
  credential: { email: string; code: string },
  meta: RequestMeta,
  fail: Fail,
): Promise<{ token: PasswordResetToken; user: User }> {
  const code = normalizeResetCode(credential.code);
  // An unknown address gets the very answer a wrong code gets: codes must not reveal who has an account.
  const user = await findUserByEmail(deps.db, credential.email);
  if (!user) return fail("TOKEN_INVALID", "unknown_email");
  if (!code) return fail("TOKEN_INVALID", "malformed_code", undefined, user.id);
  const [token] = await deps.db
    .select()
    .from(passwordResetTokens)
    .where(and(eq(passwordResetTokens.userId, user.id), eq(passwordResetTokens.codeHash, resetCodeHash(deps.secret, user.id, code))));
  if (token) return { token, user };
  await countWrongCode(deps, user.id, meta);
  return fail("TOKEN_INVALID", "wrong_code", undefined, user.id);
}

/**
 * One more wrong code for the account, in a window as long as a link lives. The fifth burns every code of
 * the account (their hashes are cleared; the links still work). Counted whatever RATE_LIMITS says: this is
 * what keeps 10^8 codes out of reach of guessing, not a courtesy limit.
 */
async function countWrongCode(deps: AuthDeps, userId: string, meta: RequestMeta): Promise<void> {
  const now = deps.clock();
  const [row] = await countInWindows(deps.db, now, [{ key: `reset_code_wrong:${userId}`, windowSeconds: deps.config.resetTtlSeconds }]);
  if (!row || row.count < MAX_WRONG_CODES) return;
  const burnt = await deps.db
    .update(passwordResetTokens)
    .set({ codeHash: null })
    .where(and(eq(passwordResetTokens.userId, userId), isNotNull(passwordResetTokens.codeHash)))
    .returning({ id: passwordResetTokens.id });
  if (burnt.length > 0)
    await audit(deps.db, now, meta, { event: "password_reset.codes_burnt", reason: "wrong_codes", userId, details: { codes: burnt.length } });
}
