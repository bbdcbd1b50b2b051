import { users, type User } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";
import { assertPasswordAcceptable, hashPassword } from "./password";
import { enforceLimit, ipSubject } from "./rate-limit";
import { findUserByAccount, findUserByEmail } from "./users";

/** Creates an account. Email and username are unique ignoring case. */
export async function signUp(deps: AuthDeps, input: { email: string; username: string; password: string }, meta: RequestMeta): Promise<User> {
  const { db, config } = deps;
  await enforceLimit(deps, meta, "signup_ip", ipSubject(meta.ip));
  if (await findUserByEmail(db, input.email)) throw new AuthError("EMAIL_TAKEN");
  // A username that equals someone's email (or the reverse) would make sign-in ambiguous.
  if (await findUserByAccount(db, input.username)) throw new AuthError("USERNAME_TAKEN");
  await assertPasswordAcceptable(input.password, { minLength: config.passwordMinLength });
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock();
  try {
    const [user] = await db
      .insert(users)
      .values({
        email: input.email,
        username: input.username,
        passwordHash,
        locale: meta.locale,
        passwordChangedAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await audit(db, now, meta, { event: "sign_up.completed", userId: user!.id, subject: input.email });
    return user!;
  } catch (error) {
    // Two sign-ups racing for one address: the unique index decides.
    const constraint = uniqueViolation(error);
    if (constraint?.includes("email")) throw new AuthError("EMAIL_TAKEN");
    if (constraint?.includes("username")) throw new AuthError("USERNAME_TAKEN");
    throw error;
  }
}

function uniqueViolation(error: unknown): string | undefined {
  for (let e: unknown = error; e && typeof e === "object"; e = (e as { cause?: unknown }).cause) {
    const { code, constraint, constraint_name } = e as { code?: string; constraint?: string; constraint_name?: string };
    if (code === "23505") return constraint ?? constraint_name ?? "";
  }
  return undefined;
}
