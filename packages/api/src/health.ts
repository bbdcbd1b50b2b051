import { sql } from "@rekey/db";
import type { Runtime } from "./runtime";

/** `GET /api/health`: 200 once the database answers a query, 503 otherwise. */
export async function healthResponse(method: string, runtime: Runtime): Promise<Response> {
  const headers = { "content-type": "application/json", "cache-control": "no-store" };
  if (method !== "GET" && method !== "HEAD") {
    return new Response(JSON.stringify({ status: "method not allowed" }), { status: 405, headers: { ...headers, allow: "GET, HEAD" } });
  }
  try {
    await runtime.deps.db.execute(sql`select 1`);
    return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers });
  } catch {
    return new Response(JSON.stringify({ status: "unavailable" }), { status: 503, headers });
  }
}
