import { audit } from "./audit";
import { verifyCaptcha } from "./captcha";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { decoyPasswordHash, verifyPassword } from "./password";
import { giveBackLimits, hitLimits, ipSubject, refusedEarlier, rememberRefusal, type CountedHit } from "./rate-limit";
import { createSession, type SessionKind } from "./sessions";
import { findUserByAccount } from "./users";
import type { User } from "@rekey/db";

export interface SignInInput {
  /** An email address or a username, any case. */
  account: string;
  password: string;
  /** An ALTCHA solution; needed only once the account is past `signin_account`. */
  captcha?: string;
}

/**
 * Signs in with an email address or a username. Unknown account, wrong password and disabled account
 * get one answer, after the same work.
 *
 * Every attempt is counted before the password is checked, on three counters: per account and client IP
 * (`signin_account_ip`, then 429), per client IP across accounts (`signin_ip`, then 429: password
 * spraying), and per account from anywhere (`signin_account`). Past the last one a valid captcha is
 * needed (CAPTCHA_REQUIRED otherwise), never a 429: a stranger's guesses must not lock the owner out.
 * With `CAPTCHA=off` that counter has no effect. Refused attempts cost no password hashing and are
 * given back; a successful sign-in gives its own attempt back and clears its account+IP counter.
 */
export async function signIn(
  deps: AuthDeps,
  input: SignInInput,
  kind: SessionKind,
  meta: RequestMeta,
): Promise<{ token: string; expiresAt: Date; user: User }> {
  const { db } = deps;
  const account = input.account.trim().toLowerCase();
  const user = await findUserByAccount(db, account);
  // The resolved id, so an account's email and its username are one account.
  const accountKey = user ? `user:${user.id}` : `account:${account}`;
  const ip = ipSubject(meta.ip);
  // Refused already in a window still running (here): refused again with no count and no password check.
  const remembered = [refusedEarlier(deps, "signin_account_ip", `${accountKey}|${ip}`), refusedEarlier(deps, "signin_ip", ip)];
  if (remembered.some((left) => left !== null)) throw new AuthError("RATE_LIMITED", {}, Math.max(...remembered.map((left) => left ?? 0)));

  // The race point: the attempt is counted, atomically, before the password is checked, so parallel
  // guesses cannot all slip past a check-then-count.
  const hits = await hitLimits(deps, [
    { name: "signin_account_ip", subject: `${accountKey}|${ip}` },
    { name: "signin_ip", subject: ip },
    { name: "signin_account", subject: accountKey },
  ]);
  const [perAccountIp, perIp, perAccount] = hits as [CountedHit, CountedHit, CountedHit];
  const now = deps.clock();
  const blocked = [perAccountIp, perIp].filter((hit) => hit.limited);
  if (blocked.length > 0) {
    for (const hit of blocked) rememberRefusal(deps, hit);
    await giveBackLimits(deps, hits);
    const retryAfter = Math.max(...blocked.map((hit) => hit.retryAfter));
    await audit(db, now, meta, { event: "rate_limit.hit", reason: blocked[0]!.name, userId: user?.id, subject: account });
    throw new AuthError("RATE_LIMITED", {}, retryAfter);
  }
  if (perAccount.limited && deps.config.captcha !== "off" && !(await verifyCaptcha(deps, input.captcha))) {
    await giveBackLimits(deps, hits);
    const reason = input.captcha ? "captcha_invalid" : "captcha_missing";
    await audit(db, now, meta, { event: "sign_in.refused", reason, userId: user?.id, subject: account });
    throw new AuthError("CAPTCHA_REQUIRED");
  }

  const passwordOk = await verifyPassword(user?.passwordHash ?? (await decoyPasswordHash()), input.password);
  if (!user || !passwordOk || user.status !== "active") {
    const reason = !user ? "unknown_account" : !passwordOk ? "wrong_password" : "account_disabled";
    await audit(db, now, meta, { event: "sign_in.failed", reason, userId: user?.id, subject: account });
    throw new AuthError("INVALID_CREDENTIALS");
  }

  // The owner said a password change was not theirs: the password (maybe the intruder's) no longer signs
  // in until a reset proves the mailbox again. Only with the right password, so this reveals nothing.
  if (user.lockedAt) {
    await giveBackLimits(deps, hits);
    await audit(db, now, meta, { event: "sign_in.refused", reason: "account_locked", userId: user.id, subject: account });
    throw new AuthError("ACCOUNT_LOCKED");
  }

  // Only this attempt is given back: a success must not wipe the count of a guesser elsewhere.
  await giveBackLimits(deps, hits, ["signin_account_ip"]);
  const session = await createSession(deps, db, user.id, kind, meta);
  await audit(db, now, meta, { event: "sign_in.succeeded", userId: user.id, details: { kind } });
  return { ...session, user };
}
