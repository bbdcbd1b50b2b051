import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ERROR_CODES, errorMessage, type ErrorCode, type Locale } from "@rekey/validators";
import { createContext, requestLocale } from "../context";
import { appRouter } from "../root";
import type { Runtime } from "@rekey/runtime";
import { BodyTooLargeError, readBodyWithin } from "./body";
import { isCrossSite } from "./cross-site";
import type { HttpRequest } from "./node";

export const TRPC_ENDPOINT = "/api/trpc";
/** CONTRACT §6: bodies over 64 KiB are refused before parsing. */
const TRPC_MAX_BODY_BYTES = 64 * 1024;
/** CONTRACT §6: one HTTP request carries at most this many calls (the pages' client batches far fewer). */
const TRPC_MAX_BATCH = 10;

/**
 * A refusal shaped like the router's own errors (see the error formatter in `trpc.ts`), one per call of a
 * batch, so the pages' batching client reads it like any other failure.
 */
function refusal(req: HttpRequest, code: ErrorCode, locale: Locale, extraHeaders: Record<string, string> = {}): Response {
  const entry = ERROR_CODES[code];
  const url = new URL(req.url);
  const rawPaths = url.pathname.startsWith(`${TRPC_ENDPOINT}/`) ? url.pathname.slice(TRPC_ENDPOINT.length + 1) : "";
  const paths = url.searchParams.get("batch") === "1" ? rawPaths.split(",") : [rawPaths];
  const one = (path: string) => ({
    error: {
      message: errorMessage(code, locale),
      code: TRPC_ERROR_CODES_BY_KEY[entry.trpc],
      data: { code: entry.trpc, httpStatus: entry.http, path, domainCode: code, retryAfter: null, issues: null },
    },
  });
  const body = url.searchParams.get("batch") === "1" ? paths.map(one) : one(paths[0] ?? "");
  return new Response(JSON.stringify(body), {
    status: entry.http,
    headers: { "content-type": "application/json", "cache-control": "no-store", ...extraHeaders },
  });
}

/**
 * `/api/trpc/*`: the pages' API. Refuses, before any work, cross-site calls (cookies authenticate here),
 * methods other than GET and POST, POST bodies that are not JSON (an HTML form cannot send JSON, so no
 * cross-site form ever reaches a procedure), bodies over 64 KiB and batches over 10 calls.
 */
export async function handleTrpcRequest(req: HttpRequest, runtime: Runtime, appOrigin: string): Promise<Response> {
  const locale = requestLocale(req.headers, "web");
  if (isCrossSite(req.headers, appOrigin)) return refusal(req, "CROSS_SITE", locale);
  if (req.method !== "GET" && req.method !== "POST") {
    return refusal(req, "METHOD_NOT_ALLOWED", locale, { allow: "GET, POST" });
  }
  // tRPC decodes the path itself and would answer a broken %-escape with a 500.
  try {
    decodeURIComponent(new URL(req.url).pathname);
  } catch {
    return refusal(req, "PARAM_ERROR", locale);
  }
  let body: Buffer | undefined;
  if (req.method === "POST") {
    const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") return refusal(req, "UNSUPPORTED_MEDIA_TYPE", locale);
    try {
      body = await readBodyWithin(req, TRPC_MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refusal(req, "PAYLOAD_TOO_LARGE", locale);
      throw error;
    }
  }
  const request = new Request(req.url, { method: req.method, headers: req.headers, body: body && new Uint8Array(body) });
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: ({ resHeaders }) => createContext(runtime, request, resHeaders, "web"),
    responseMeta: () => ({ headers: { "cache-control": "no-store" } }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") runtime.logger.error({ path, err: error.cause ?? error }, "tRPC procedure failed");
    },
  });
}
