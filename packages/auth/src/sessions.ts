import { and, eq, gt, sessions, users, type Executor, type User } from "@rekey/db";
import type { AuthDeps, RequestMeta } from "./deps";
import { isWellFormedToken, randomToken, sha256Hex } from "./tokens";

export type SessionKind = "web" | "api";

/** Starts a session; only the token's hash is stored, the raw token goes to the cookie or the client. */
export async function createSession(
  deps: AuthDeps,
  db: Executor,
  userId: string,
  kind: SessionKind,
  meta: RequestMeta,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const now = deps.clock();
  const expiresAt = new Date(now.getTime() + deps.config.sessionTtlSeconds * 1000);
  await db.insert(sessions).values({
    userId,
    tokenHash: sha256Hex(token),
    kind,
    expiresAt,
    createdAt: now,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
  });
  return { token, expiresAt };
}

export interface CurrentSession {
  sessionId: string;
  kind: SessionKind;
  expiresAt: Date;
  user: User;
}

/** The live session a raw token belongs to, or null (unknown, expired, or the account is disabled). */
export async function getSession(deps: AuthDeps, token: string | null | undefined): Promise<CurrentSession | null> {
  if (!token || !isWellFormedToken(token)) return null;
  const [row] = await deps.db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sha256Hex(token)), gt(sessions.expiresAt, deps.clock())));
  if (!row || row.user.status !== "active") return null;
  return { sessionId: row.session.id, kind: row.session.kind, expiresAt: row.session.expiresAt, user: row.user };
}
