/**
 * Header our own HTTP server sets from the socket's peer address, overwriting anything a client sent.
 * Next's server keeps a client-sent `X-Forwarded-For` instead of the peer address, so it cannot be used.
 */
export const REMOTE_ADDR_HEADER = "x-rekey-remote-addr";

function normalise(ip: string | null | undefined): string | null {
  const value = ip?.trim();
  if (!value) return null;
  return value.startsWith("::ffff:") && value.includes(".") ? value.slice(7) : value;
}

/**
 * The client's IP, worked out in this one place. With `trustProxy` = 0 it is the socket peer. With N > 0,
 * the N-th entry from the right of `X-Forwarded-For` (each trusted proxy appended the address it saw), so
 * entries a client wrote itself, which stand further left, are never believed.
 */
export function clientIp(headers: Headers, trustProxy: number): string | null {
  const peer = normalise(headers.get(REMOTE_ADDR_HEADER));
  if (trustProxy === 0) return peer;
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (chain.length === 0) return peer;
  return normalise(chain[Math.max(0, chain.length - trustProxy)]);
}
