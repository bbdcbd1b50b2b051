/** The names and addresses of this machine, as a client or a Host header may spell them. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 spelling. */
export function isLoopbackAddress(ip: string | null | undefined): boolean {
  if (!ip) return false;
  const value = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return value === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value);
}

export function isLoopbackName(hostname: string): boolean {
  return LOOPBACK_NAMES.has(hostname.toLowerCase());
}

/** The host name of a Host header (`example.com:3000` → `example.com`), or null when it is not one. */
export function hostNameOf(host: string | null | undefined): string | null {
  if (!host) return null;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}
