import { outboxOverview, requeueDead, type OutboxState } from "@rekey/jobs";
import { localeFromAcceptLanguage, type Locale } from "@rekey/validators";
import { isFromThisMachine } from "../loopback";
import type { Runtime } from "@rekey/runtime";
import { BodyTooLargeError, readBodyWithin } from "./body";
import { isCrossSite } from "./cross-site";
import { failure, json } from "./envelope";
import type { HttpRequest } from "./node";

/** Operators' endpoints (`pnpm rekey outbox …` calls them): answered to this machine only. */
export const OPS_PREFIX = "/api/ops";
const STATES: readonly OutboxState[] = ["pending", "retrying", "sent", "skipped", "dead", "expired"];
const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;
/** At most this many ids per requeue call (each is one small update). */
const MAX_IDS = 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A 400 envelope naming the field at fault, as the REST API's validation errors do. */
const paramError = (locale: Locale, path: string, message: string) => failure("PARAM_ERROR", locale, { data: { issues: [{ path, message }] } });

/**
 * `GET /api/ops/outbox[?state=dead&limit=100]`: counts by state, and the rows waiting or gone wrong with
 * reason and age. `POST /api/ops/outbox/requeue` with `{"ids": [...]}` or `{"dead": true}`: dead mail back in
 * the queue. Anyone but this machine, and any cross-site call, gets the answer an unknown path gets.
 */
export async function opsResponse(req: HttpRequest, runtime: Runtime, path: string): Promise<Response> {
  const locale = localeFromAcceptLanguage(req.headers.get("accept-language"));
  if (!forOperators(req, runtime)) return failure("ROUTE_NOT_FOUND", locale);
  if (path === `${OPS_PREFIX}/outbox`) {
    if (req.method !== "GET") return failure("METHOD_NOT_ALLOWED", locale, { headers: new Headers({ allow: "GET" }) });
    const query = new URL(req.url).searchParams;
    const state = query.get("state");
    if (state !== null && !STATES.includes(state as OutboxState)) return paramError(locale, "state", `one of ${STATES.join(", ")}`);
    const rawLimit = query.get("limit");
    const limit = rawLimit === null ? DEFAULT_LIST_LIMIT : /^\d{1,6}$/.test(rawLimit) ? Number(rawLimit) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIST_LIMIT)) return paramError(locale, "limit", `a whole number from 1 to ${MAX_LIST_LIMIT}`);
    return json(200, await outboxOverview(runtime.deps, { state: (state as OutboxState | null) ?? undefined, limit }));
  }
  if (path === `${OPS_PREFIX}/outbox/requeue`) {
    if (req.method !== "POST") return failure("METHOD_NOT_ALLOWED", locale, { headers: new Headers({ allow: "POST" }) });
    let body: unknown;
    try {
      body = JSON.parse((await readBodyWithin(req, 64 * 1024)).toString("utf8") || "{}");
    } catch (error) {
      if (error instanceof BodyTooLargeError) return paramError(locale, "", "at most 64 KiB");
      if (error instanceof SyntaxError) return paramError(locale, "", "not JSON");
      throw error;
    }
    const { ids, dead } = (typeof body === "object" && body !== null ? body : {}) as { ids?: unknown; dead?: unknown };
    if (dead === true && ids === undefined) return requeued(runtime, undefined);
    if (dead !== undefined) return paramError(locale, "dead", 'true, without "ids"');
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_IDS) {
      return paramError(locale, "ids", `give "ids": [1 to ${MAX_IDS} outbox ids] or "dead": true`);
    }
    const bad = ids.findIndex((id) => typeof id !== "string" || !UUID.test(id));
    if (bad >= 0) return paramError(locale, `ids.${bad}`, "an outbox id (a UUID)");
    return requeued(runtime, ids as string[]);
  }
  return failure("ROUTE_NOT_FOUND", locale);
}

async function requeued(runtime: Runtime, ids: string[] | undefined): Promise<Response> {
  const result = await requeueDead(runtime.jobs, ids);
  return json(200, { ...result, requeued: result.requeued.map((row) => row.id) });
}

/** Whether `req` may use the operators' endpoints: from this machine, and not a web page's cross-site call. */
function forOperators(req: HttpRequest, runtime: Runtime): boolean {
  return isFromThisMachine(runtime.config, req.headers) && !isCrossSite(req.headers, new URL(runtime.config.appUrl).origin);
}

/** `GET /api/health?detail=1` from this machine: the queue's counts beside the status; otherwise nothing. */
export async function healthDetail(req: HttpRequest, runtime: Runtime): Promise<Record<string, unknown> | undefined> {
  if (new URL(req.url).searchParams.get("detail") !== "1" || !forOperators(req, runtime)) return undefined;
  const { counts, oldest_pending_seconds } = await outboxOverview(runtime.deps, { limit: 0 });
  return { outbox: { ...counts, oldest_pending_seconds } };
}
