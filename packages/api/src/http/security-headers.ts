import { randomBytes } from "node:crypto";

/** Sent with every answer, pages and API alike. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // Reset links carry a token in the query: no page of ours ever sends its URL in a Referer.
  "referrer-policy": "no-referrer",
  // For browsers without CSP frame-ancestors.
  "x-frame-options": "DENY",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  "cross-origin-opener-policy": "same-origin",
};

/** Two years; browsers keep to https for this long after one https answer. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** A fresh, unguessable nonce for one page answer. */
export function createNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * The pages' Content-Security-Policy. Scripts run only with this answer's nonce ('strict-dynamic' lets
 * Next's own chunks load theirs); styles may be inline (React style attributes, the captcha widget), which
 * cannot run code. `blob:` workers are the captcha's proof-of-work threads.
 */
export function contentSecurityPolicy(nonce: string, options: { https: boolean; dev: boolean }): string {
  const directives = [
    "default-src 'self'",
    // React's development build evaluates code for its error overlay; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (options.https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * Whether the request arrived over https: on a TLS socket, or, behind `trustProxy` trusted proxies, as the
 * outermost trusted proxy's `X-Forwarded-Proto` says (the same hop `clientIp` believes for the address).
 */
export function arrivedOverHttps(encrypted: boolean, forwardedProto: string | null, trustProxy: number): boolean {
  if (encrypted) return true;
  if (trustProxy === 0 || !forwardedProto) return false;
  const chain = forwardedProto
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  return chain[Math.max(0, chain.length - trustProxy)] === "https";
}
