import type { RateLimitName } from "@rekey/config";
import { eq, rateLimits, sql } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";

export interface LimitState {
  limited: boolean;
  /** Seconds until the window resets. */
  retryAfter: number;
}

const OPEN: LimitState = { limited: false, retryAfter: 0 };

/**
 * Counts one hit against `name` for `subject` in a fixed window kept in the database, so every app
 * instance on the database shares it. One atomic upsert: concurrent hits never lose a count.
 */
export async function hitLimit(deps: AuthDeps, name: RateLimitName, subject: string): Promise<LimitState> {
  const { enabled, rules } = deps.config.rateLimits;
  if (!enabled) return OPEN;
  const rule = rules[name];
  const now = deps.clock();
  const nowIso = now.toISOString();
  const endIso = new Date(now.getTime() + rule.windowSeconds * 1000).toISOString();
  const expired = sql`${rateLimits.windowEndsAt} <= ${nowIso}::timestamptz`;
  const [row] = await deps.db
    .insert(rateLimits)
    .values({ key: `${name}:${subject}`, count: 1, windowEndsAt: new Date(endIso) })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
        windowEndsAt: sql`case when ${expired} then ${endIso}::timestamptz else ${rateLimits.windowEndsAt} end`,
      },
    })
    .returning();
  return state(row, rule.max, now, true);
}

/** Whether `subject` is already past the limit, without counting a hit. */
export async function peekLimit(deps: AuthDeps, name: RateLimitName, subject: string): Promise<LimitState> {
  const { enabled, rules } = deps.config.rateLimits;
  if (!enabled) return OPEN;
  const [row] = await deps.db.select().from(rateLimits).where(eq(rateLimits.key, `${name}:${subject}`));
  return state(row, rules[name].max, deps.clock(), false);
}

export async function clearLimit(deps: AuthDeps, name: RateLimitName, subject: string): Promise<void> {
  await deps.db.delete(rateLimits).where(eq(rateLimits.key, `${name}:${subject}`));
}

function state(
  row: { count: number; windowEndsAt: Date } | undefined,
  max: number,
  now: Date,
  counted: boolean,
): LimitState {
  if (!row || row.windowEndsAt.getTime() <= now.getTime()) return OPEN;
  const limited = counted ? row.count > max : row.count >= max;
  return { limited, retryAfter: Math.max(1, Math.ceil((row.windowEndsAt.getTime() - now.getTime()) / 1000)) };
}

/** Hits a limit and, past it, records the event and throws RATE_LIMITED with the wait. */
export async function enforceLimit(
  deps: AuthDeps,
  meta: RequestMeta,
  name: RateLimitName,
  subject: string,
  hit = hitLimit,
): Promise<void> {
  const result = await hit(deps, name, subject);
  if (!result.limited) return;
  await audit(deps.db, deps.clock(), meta, { event: "rate_limit.hit", reason: name, subject });
  throw new AuthError("RATE_LIMITED", {}, result.retryAfter);
}
