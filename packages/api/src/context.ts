import type { RequestMeta } from "@rekey/auth";
import { LOCALE_COOKIE, localeFromAcceptLanguage, pageLocale, type Locale } from "@rekey/validators";
import { parseCookie } from "cookie";
import { clientIp } from "./client-ip";
import type { Runtime } from "@rekey/runtime";

export type Transport = "web" | "rest";

const SESSION_COOKIE = "rekey_session";
/** With https the `__Host-` prefix pins the cookie to this host and path `/`, Secure only. */
const SECURE_SESSION_COOKIE = "__Host-rekey_session";

export interface ApiContext {
  runtime: Runtime;
  meta: RequestMeta;
  transport: Transport;
  /** The raw session token from the cookie (web) or the bearer header (REST), not yet checked. */
  sessionToken: string | null;
  /** Response headers the procedures may add to (Set-Cookie). */
  resHeaders: Headers;
}

export function sessionCookieName(runtime: Runtime): string {
  return runtime.config.appUrl.startsWith("https:") ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/**
 * The pages speak the language their cookie names, else the browser's (as the pages themselves do, so answers
 * and emails match the page); REST clients say theirs in Accept-Language.
 */
export function requestLocale(headers: Headers, transport: Transport): Locale {
  const acceptLanguage = headers.get("accept-language");
  if (transport === "rest") return localeFromAcceptLanguage(acceptLanguage);
  return pageLocale(parseCookie(headers.get("cookie") ?? "")[LOCALE_COOKIE], acceptLanguage);
}

export function createContext(runtime: Runtime, req: { headers: Headers }, resHeaders: Headers, transport: Transport): ApiContext {
  const cookies = parseCookie(req.headers.get("cookie") ?? "");
  const locale = requestLocale(req.headers, transport);
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1] ?? null;
  return {
    runtime,
    transport,
    resHeaders,
    sessionToken: transport === "web" ? (cookies[sessionCookieName(runtime)] ?? null) : bearer,
    meta: {
      ip: clientIp(req.headers, runtime.config.trustProxy),
      userAgent: req.headers.get("user-agent"),
      locale,
    },
  };
}
