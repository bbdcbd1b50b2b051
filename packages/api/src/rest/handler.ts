import { issueText, localeFromAcceptLanguage, successMessage, type Locale } from "@rekey/validators";
import { createContext } from "../context";
import { describeError, type Issue } from "../errors";
import { createCaller } from "../root";
import type { Runtime } from "@rekey/runtime";
import { BodyTooLargeError, isRequestAborted, readBodyWithin } from "../http/body";
import { CAPTCHA_CHALLENGE_PATH } from "../http/captcha";
import { failure, json } from "../http/envelope";
import type { HttpRequest } from "../http/node";
import { buildOpenApiDocument } from "./openapi";
import { REST_PREFIX } from "./meta";
import { callProcedure, REST_ROUTES } from "./routes";

const MAX_BODY_BYTES = 16 * 1024;

/** Reads the JSON body (at most MAX_BODY_BYTES); an empty body is `{}`. A failure is worded in `locale`. */
async function readJsonBody(req: HttpRequest, locale: Locale): Promise<{ ok: true; value: unknown } | { ok: false; issue: Issue }> {
  let bytes: Buffer;
  try {
    bytes = await readBodyWithin(req, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return { ok: false, issue: { path: "", message: issueText("bodyTooLarge", locale, { limit: error.limit }) } };
    throw error;
  }
  const text = bytes.toString("utf8");
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, issue: { path: "", message: issueText("malformedJson", locale) } };
  }
}

/**
 * The REST adapter: `/api/v1/user/*` with the seed's envelope, statuses and messages, calling the tRPC
 * procedures through `createCaller` (no second implementation).
 */
export async function handleRestRequest(req: HttpRequest, runtime: Runtime): Promise<Response> {
  const locale = localeFromAcceptLanguage(req.headers.get("accept-language"));
  const path = new URL(req.url).pathname.replace(/\/+$/, "");
  try {
    if (path === `${REST_PREFIX}/openapi.json`) {
      if (req.method !== "GET" && req.method !== "HEAD") return failure("METHOD_NOT_ALLOWED", locale, { headers: new Headers({ allow: "GET" }) });
      return json(200, buildOpenApiDocument(runtime.config));
    }
    const route = path.startsWith(REST_PREFIX) ? REST_ROUTES.get(path.slice(REST_PREFIX.length)) : undefined;
    if (!route) return failure("ROUTE_NOT_FOUND", locale);
    if (req.method !== route.method) return failure("METHOD_NOT_ALLOWED", locale, { headers: new Headers({ allow: route.method }) });

    let body: unknown;
    if (route.method === "POST") {
      const read = await readJsonBody(req, locale);
      if (!read.ok) return failure("PARAM_ERROR", locale, { data: { issues: [read.issue] } });
      body = read.value;
    }
    const resHeaders = new Headers();
    const caller = createCaller(createContext(runtime, req, resHeaders, "rest"));
    try {
      const data = await callProcedure(caller, route.procedure, body);
      const msg = successMessage(route.message, locale, { minutes: Math.round(runtime.config.resetTtlSeconds / 60) });
      return json(200, { code: 200, msg, data: data ?? null }, resHeaders);
    } catch (error) {
      const described = describeError(error, locale);
      if (described.code === "INTERNAL") throw error;
      const headers = new Headers();
      let data: unknown = null;
      if (described.retryAfter !== undefined) {
        headers.set("retry-after", String(described.retryAfter));
        data = { retry_after: described.retryAfter };
      }
      if (described.issues) data = { issues: described.issues };
      if (described.code === "CAPTCHA_REQUIRED") data = { challenge_url: `${runtime.config.appUrl}${CAPTCHA_CHALLENGE_PATH}` };
      return failure(described.code, locale, { message: described.message, data, headers });
    }
  } catch (error) {
    // The client hung up mid-body: the front drops the connection without an answer or an error line.
    if (isRequestAborted(error)) throw error;
    runtime.logger.error({ err: error, path }, "REST request failed");
    return failure("INTERNAL", locale);
  }
}
