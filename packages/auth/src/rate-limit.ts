import { isIPv6 } from "node:net";
import type { RateLimitName } from "@rekey/config";
import { inArray, rateLimits, reusableStatement, sql, type Executor } from "@rekey/db";
import { audit } from "./audit";
import type { AuthDeps, RequestMeta } from "./deps";
import { AuthError } from "./errors";

interface LimitState {
  limited: boolean;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/** One counter: a rule of RATE_LIMIT_DEFAULTS and whom it counts (an IP, an account, …). */
export interface LimitHit {
  name: RateLimitName;
  subject: string;
}

/** A counted hit: what `giveBackLimits` needs to undo exactly this hit and nothing else. */
export interface CountedHit extends LimitHit, LimitState {
  /** The window the hit was counted in; null when limits are off. */
  windowEndsAt: Date | null;
}

const OPEN: LimitState = { limited: false, retryAfter: 0 };

/**
 * Whom a per-IP limit counts: an IPv4 address as it is, an IPv6 address by its /64 (a subscriber gets a whole
 * /64 and can use any address in it, so counting single addresses would give one person 2^64 budgets).
 */
export function ipSubject(ip: string | null): string {
  if (!ip || !isIPv6(ip)) return ip ?? "unknown";
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

const keyOf = (hit: LimitHit) => `${hit.name}:${hit.subject}`;
const excluded = (column: string) => sql.raw(`excluded.${column}`);

/**
 * Counts one hit on each of several counters in ONE statement (a multi-row upsert), each in its own fixed
 * window kept in the database, so every app instance on the database shares them. Results come back in
 * the order of `hits`; a counter is `limited` once this hit took it past its rule's max. Counters must
 * be distinct.
 */
export async function hitLimits(deps: AuthDeps, hits: LimitHit[]): Promise<CountedHit[]> {
  const { enabled, rules } = deps.config.rateLimits;
  if (!enabled || hits.length === 0) return hits.map((hit) => ({ ...hit, ...OPEN, windowEndsAt: null }));
  const now = deps.clock();
  const rows = await countInWindows(
    deps.db,
    now,
    hits.map((hit) => ({ key: keyOf(hit), windowSeconds: rules[hit.name].windowSeconds })),
  );
  const byKey = new Map(rows.map((row) => [row.key, row]));
  return hits.map((hit) => {
    const row = byKey.get(keyOf(hit));
    return { ...hit, ...state(row, rules[hit.name].max, now), windowEndsAt: row?.windowEndsAt ?? null };
  });
}

/**
 * One more on each counter `key`, in a fixed window of `windowSeconds` that starts with the first count and
 * is kept in the database (shared by every instance). ONE multi-row upsert; returns each counter's row.
 */
export async function countInWindows(db: Executor, now: Date, counters: { key: string; windowSeconds: number }[]) {
  const values: Record<string, unknown> = { now: now.toISOString() };
  // Rows are upserted (and so locked) in key order: two statements sharing counters never deadlock.
  counters
    .map(({ key, windowSeconds }) => ({ key, windowEndsAt: new Date(now.getTime() + windowSeconds * 1000) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .forEach((counter, i) => {
      values[`key${i}`] = counter.key;
      values[`ends${i}`] = counter.windowEndsAt;
    });
  const rows = await upsertFor(counters.length)<{ key: string; count: number; window_ends_at: string | Date }>(db, values);
  return rows.map((row) => ({ key: row.key, count: Number(row.count), windowEndsAt: new Date(row.window_ends_at) }));
}

/** `countInWindows`' upsert for `n` counters, rendered once per `n` (the request path runs it every time). */
const upserts = new Map<number, ReturnType<typeof reusableStatement>>();
function upsertFor(n: number) {
  let run = upserts.get(n);
  if (!run) {
    run = reusableStatement((db) => {
      const expired = sql`${rateLimits.windowEndsAt} <= ${sql.placeholder("now")}::timestamptz`;
      const rows = Array.from({ length: n }, (_, i) => ({ key: sql.placeholder(`key${i}`), count: 1, windowEndsAt: sql.placeholder(`ends${i}`) }));
      // The race point: the count and the check are one atomic upsert per row, so N concurrent hits see
      // N distinct counts and exactly `max` of them stay under the limit.
      return db
        .insert(rateLimits)
        .values(rows)
        .onConflictDoUpdate({
          target: rateLimits.key,
          set: {
            count: sql`case when ${expired} then 1 else ${rateLimits.count} + 1 end`,
            windowEndsAt: sql`case when ${expired} then ${excluded("window_ends_at")} else ${rateLimits.windowEndsAt} end`,
          },
        })
        .returning({ key: rateLimits.key, count: rateLimits.count, windowEndsAt: rateLimits.windowEndsAt });
    });
    upserts.set(n, run);
  }
  return run;
}

/**
 * Undoes hits counted by `hitLimits` in ONE statement: counters named in `clear` start again from zero,
 * the others lose this one hit. A counter whose window has ended since the hit is left alone (the hit
 * belonged to the old window).
 */
export async function giveBackLimits(deps: AuthDeps, hits: CountedHit[], clear: RateLimitName[] = []): Promise<void> {
  const counted = hits.filter((hit): hit is CountedHit & { windowEndsAt: Date } => hit.windowEndsAt !== null);
  if (counted.length === 0) return;
  const nowIso = deps.clock().toISOString();
  const values = counted
    .map((hit) => ({ key: keyOf(hit), count: 0, windowEndsAt: hit.windowEndsAt }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const cleared = inArray(rateLimits.key, counted.filter((hit) => clear.includes(hit.name)).map(keyOf));
  // An upsert rather than an UPDATE so rows are locked in the same key order as `hitLimits` (no deadlock).
  // A row that is gone (cleared meanwhile) comes back with count 0: the same as no row.
  await deps.db
    .insert(rateLimits)
    .values(values)
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${cleared} then 0 else greatest(${rateLimits.count} - 1, 0) end`,
        windowEndsAt: sql`case when ${cleared} then ${nowIso}::timestamptz else ${rateLimits.windowEndsAt} end`,
      },
      setWhere: sql`${rateLimits.windowEndsAt} = ${excluded("window_ends_at")}`,
    });
}

/** After a counted hit: limited once the count is past the rule's max. */
function state(row: { count: number; windowEndsAt: Date } | undefined, max: number, now: Date): LimitState {
  if (!row || row.windowEndsAt.getTime() <= now.getTime()) return OPEN;
  return { limited: row.count > max, retryAfter: Math.max(1, Math.ceil((row.windowEndsAt.getTime() - now.getTime()) / 1000)) };
}

/**
 * Seconds to wait when this process already refused `name` for `subject` in a window still running: the
 * caller refuses again without counting (nothing changes for a client past its limit until the window ends).
 */
export function refusedEarlier(deps: AuthDeps, name: RateLimitName, subject: string): number | null {
  if (!deps.config.rateLimits.enabled || !deps.refusals) return null;
  return deps.refusals.retryAfter(keyOf({ name, subject }), deps.clock());
}

/** Remembers a refused hit until its window ends (see RefusalMemo). */
export function rememberRefusal(deps: AuthDeps, hit: CountedHit): void {
  if (hit.limited && hit.windowEndsAt) deps.refusals?.remember(keyOf(hit), hit.windowEndsAt, deps.clock());
}

/**
 * Hits a limit (one atomic upsert on a counter shared by every instance) and, past it, records the event
 * and throws RATE_LIMITED with the wait. A client this process already refused in the same window is
 * refused again at once: no count, no event.
 */
export async function enforceLimit(deps: AuthDeps, meta: RequestMeta, name: RateLimitName, subject: string): Promise<void> {
  const remembered = refusedEarlier(deps, name, subject);
  if (remembered !== null) throw new AuthError("RATE_LIMITED", {}, remembered);
  const [hit] = await hitLimits(deps, [{ name, subject }]);
  if (!hit!.limited) return;
  rememberRefusal(deps, hit!);
  await audit(deps.db, deps.clock(), meta, { event: "rate_limit.hit", reason: name, subject });
  throw new AuthError("RATE_LIMITED", {}, hit!.retryAfter);
}
