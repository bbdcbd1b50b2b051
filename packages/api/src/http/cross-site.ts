const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The origins allowed to call cookie-authenticated endpoints: APP_URL's origin, and when APP_URL is a
 * loopback address, the other loopback spellings of it (same scheme and port), so opening the embedded
 * default at http://127.0.0.1:3000 instead of http://localhost:3000 still works. No remote page can have a
 * loopback origin, so this widens nothing for an attacker.
 */
export function allowedOrigins(appUrl: string): ReadonlySet<string> {
  const url = new URL(appUrl);
  const origins = new Set([url.origin]);
  if (LOOPBACK_HOSTS.has(url.hostname)) {
    for (const host of LOOPBACK_HOSTS) origins.add(`${url.protocol}//${host}${url.port ? `:${url.port}` : ""}`);
  }
  return origins;
}

/**
 * True when a browser says the request comes from another site: `Sec-Fetch-Site: cross-site`, or an
 * `Origin` that is not ours (`null` included). Requests with neither header come from non-browser clients,
 * which cannot carry a victim's cookie.
 */
export function isCrossSite(headers: Headers, origins: ReadonlySet<string>): boolean {
  if (headers.get("sec-fetch-site")?.trim().toLowerCase() === "cross-site") return true;
  const origin = headers.get("origin");
  return origin !== null && !origins.has(origin.trim().toLowerCase());
}
