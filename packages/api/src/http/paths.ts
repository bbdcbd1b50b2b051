/** `path` is `prefix` or below it. */
export function under(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

function decodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A request target in origin form (`/path?query`). The absolute form (`http://host/path`), which servers
 * must accept (RFC 9112 §3.2.2), keeps only its path and query: its host is never used (links come from
 * APP_URL, and Next would otherwise redirect to it). Anything else (`*`, authority form) is null.
 */
export function originForm(target: string | undefined): string | null {
  if (!target) return null;
  if (target.startsWith("/")) return target;
  if (!/^https?:\/\//i.test(target)) return null;
  try {
    const url = new URL(target);
    return `${url.pathname}${url.search}`;
  } catch {
    return null;
  }
}

export interface CanonicalPath {
  /** Repeated slashes collapsed, dot segments resolved, %-escapes decoded where they can be. */
  path: string;
  /** The path as it was sent (before the query). */
  raw: string;
  decodable: boolean;
}

/**
 * The path as a router would see it, so that `//api/v1/…`, `/api/%76%31/…` or `/api/./v1/…` reach the API's
 * well-formed answers rather than Next's redirects and HTML pages.
 */
export function canonicalPath(target: string): CanonicalPath {
  const raw = target.split("?")[0]!.split("#")[0]!;
  let path = raw.replace(/\/{2,}/g, "/");
  try {
    path = new URL(`http://x${path}`).pathname;
  } catch {
    return { path, raw, decodable: false };
  }
  return decodable(path) ? { path: decodeURIComponent(path), raw, decodable: true } : { path, raw, decodable: false };
}
