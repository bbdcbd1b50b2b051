import { randomBytes } from "node:crypto";
import { users } from "@rekey/db";
import type { AuthDeps } from "./deps";
import { hashPassword } from "./password";

const DEMO_EMAIL = "demo@example.com";
const DEMO_USERNAME = "demo";

/**
 * On an empty database, creates a demo account with a fresh random password and returns its credentials
 * (the embedded default prints them once at start). Does nothing when any account exists.
 */
export async function ensureDemoAccount(deps: AuthDeps): Promise<{ email: string; username: string; password: string } | null> {
  const [any] = await deps.db.select({ id: users.id }).from(users).limit(1);
  if (any) return null;
  const password = `demo-${randomBytes(9).toString("base64url")}`;
  const now = deps.clock();
  const inserted = await deps.db
    .insert(users)
    .values({
      email: DEMO_EMAIL,
      username: DEMO_USERNAME,
      passwordHash: await hashPassword(password),
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  return inserted.length ? { email: DEMO_EMAIL, username: DEMO_USERNAME, password } : null;
}
