import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { decoyPasswordHash, verifyPassword } from "./password";
import { clearLimit, hitLimit, peekLimit } from "./rate-limit";
import { createSession, type SessionKind } from "./sessions";
import { findUserByAccount } from "./users";
import type { User } from "@rekey/db";

/**
 * Signs in with an email address or a username. Unknown account, wrong password and disabled account
 * get one answer, after the same work. Failed attempts per account are limited.
 */
export async function signIn(
  deps: AuthDeps,
  input: { account: string; password: string },
  kind: SessionKind,
  meta: RequestMeta,
): Promise<{ token: string; expiresAt: Date; user: User }> {
  const { db } = deps;
  const account = input.account.trim().toLowerCase();
  const user = await findUserByAccount(db, account);
  const subject = user ? `user:${user.id}` : `account:${account}`;
  const now = deps.clock();

  const blocked = await peekLimit(deps, "signin_account", subject);
  if (blocked.limited) {
    await audit(db, now, meta, { event: "rate_limit.hit", reason: "signin_account", userId: user?.id, subject: account });
    throw new AuthError("RATE_LIMITED", {}, blocked.retryAfter);
  }

  const passwordOk = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !passwordOk || user.status !== "active") {
    await hitLimit(deps, "signin_account", subject);
    const reason = !user ? "unknown_account" : !passwordOk ? "wrong_password" : "account_disabled";
    await audit(db, now, meta, { event: "sign_in.failed", reason, userId: user?.id, subject: account });
    throw new AuthError("INVALID_CREDENTIALS");
  }

  await clearLimit(deps, "signin_account", subject);
  const session = await createSession(deps, db, user.id, kind, meta);
  await audit(db, now, meta, { event: "sign_in.succeeded", userId: user.id, details: { kind } });
  return { ...session, user };
}
