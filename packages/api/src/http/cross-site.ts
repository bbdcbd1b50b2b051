/**
 * True when a browser says the request comes from elsewhere: `Sec-Fetch-Site: cross-site`, or an `Origin`
 * other than APP_URL's (`null` included; CONTRACT §6). Requests with neither header come from non-browser
 * clients, which cannot carry a victim's cookie.
 */
export function isCrossSite(headers: Headers, appOrigin: string): boolean {
  if (headers.get("sec-fetch-site")?.trim().toLowerCase() === "cross-site") return true;
  const origin = headers.get("origin");
  return origin !== null && origin.trim().toLowerCase() !== appOrigin;
}
