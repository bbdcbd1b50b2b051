import { eq, or, sql, users, type Executor, type User } from "@rekey/db";

export async function findUserByEmail(db: Executor, email: string): Promise<User | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return user;
}

/** An account is an email address or a username, both matched ignoring case. */
export async function findUserByAccount(db: Executor, account: string): Promise<User | undefined> {
  const key = account.trim().toLowerCase();
  const [user] = await db
    .select()
    .from(users)
    .where(or(eq(sql`lower(${users.email})`, key), eq(sql`lower(${users.username})`, key)))
    .limit(1);
  return user;
}

export function publicUser(user: Pick<User, "id" | "email" | "username">) {
  return { id: user.id, email: user.email, username: user.username };
}
