import { sql } from "@rekey/db";
import type { Runtime } from "@rekey/runtime";

/**
 * How long health waits for `select 1`. Shorter than the database's own statement deadline: a probe must
 * answer 503 within 1 s of an outage (a load balancer's timeout is often that short), not wait with requests.
 */
const HEALTH_DEADLINE_MS = 700;

/**
 * `GET /api/health`: 200 once the database answers a query, 503 otherwise (or when it answers too late).
 * `detail` adds fields to a 200 (the queue's counts, for this machine only); its failure or lateness only
 * replaces them with `"detail": "unavailable"`.
 */
export async function healthResponse(
  method: string,
  runtime: Runtime,
  detail?: () => Promise<Record<string, unknown> | undefined>,
): Promise<Response> {
  const headers = { "content-type": "application/json", "cache-control": "no-store" };
  if (method !== "GET" && method !== "HEAD") {
    return new Response(JSON.stringify({ status: "method not allowed" }), { status: 405, headers: { ...headers, allow: "GET, HEAD" } });
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_DEADLINE_MS} ms`)), HEALTH_DEADLINE_MS);
    });
    // The query itself stays bounded by the database's deadline after health has answered.
    await Promise.race([runtime.deps.db.execute(sql`select 1`), late]);
    // Within the same deadline: a slow count never holds the probe's answer, it only drops the detail.
    const unavailable = () => ({ detail: "unavailable" });
    const extra = detail ? await Promise.race([detail().catch(unavailable), late.catch(unavailable)]) : undefined;
    return new Response(JSON.stringify({ status: "ok", ...extra }), { status: 200, headers });
  } catch {
    return new Response(JSON.stringify({ status: "unavailable" }), { status: 503, headers });
  } finally {
    clearTimeout(timer);
  }
}
