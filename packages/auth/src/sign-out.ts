import { eq, sessions } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import type { CurrentSession } from "./sessions";

/** Ends one session. */
export async function signOut(deps: AuthDeps, session: CurrentSession, meta: RequestMeta): Promise<void> {
  await deps.db.delete(sessions).where(eq(sessions.id, session.sessionId));
  await audit(deps.db, deps.clock(), meta, { event: "sign_out", userId: session.user.id, details: { kind: session.kind } });
}
