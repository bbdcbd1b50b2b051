import type { Config } from "@rekey/config";
import { clientIp, REMOTE_ADDR_HEADER } from "./client-ip";

interface HeaderReader {
  get(name: string): string | null;
}

/** The names and addresses of this machine, as a client or a Host header may spell them. */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** 127.0.0.0/8 and ::1, also in their IPv4-mapped IPv6 spelling. */
function isLoopbackAddress(ip: string | null | undefined): boolean {
  if (!ip) return false;
  const value = ip.startsWith("::ffff:") ? ip.slice(7) : ip;
  return value === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(value);
}

/** `localhost`, `127.0.0.1` or `::1` (bracketed or not), in any case. */
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

/**
 * Every address a proxy header names (`X-Forwarded-For`, `X-Real-IP`, `Forwarded: for=`), trusted or not.
 * Ports and brackets are dropped; an obfuscated or `unknown` node stays as written (and is not loopback).
 */
function forwardedAddresses(headers: HeaderReader): string[] {
  const list = [...(headers.get("x-forwarded-for") ?? "").split(","), headers.get("x-real-ip") ?? ""];
  for (const match of (headers.get("forwarded") ?? "").matchAll(/for=("[^"]*"|[^;,\s]*)/gi)) {
    const node = match[1]!.replace(/^"|"$/g, "");
    const bracketed = /^\[([^\]]*)\]/.exec(node);
    list.push(bracketed ? bracketed[1]! : node.replace(/:\d+$/, ""));
  }
  return list.map((entry) => entry.trim()).filter(Boolean);
}

/**
 * A request from this machine, whatever `HOST` is: the socket peer and the client address (behind a trusted
 * proxy on this machine, the address it forwards for) are both loopback, and the Host names this machine or
 * APP_URL, so a page elsewhere that rebinds its DNS name to 127.0.0.1 does not pass. Every address a proxy
 * header names must be loopback too, trusted or not: with `TRUST_PROXY=0` behind a proxy on this machine
 * (a misconfiguration, but a common one) every request would otherwise look local. A client on this machine
 * sends no such header. The mailbox page and the operators' endpoints answer nobody else.
 */
export function isFromThisMachine(config: Pick<Config, "appUrl" | "trustProxy">, headers: HeaderReader): boolean {
  const peer = headers.get(REMOTE_ADDR_HEADER);
  const forwarded = new Headers({ [REMOTE_ADDR_HEADER]: peer ?? "", "x-forwarded-for": headers.get("x-forwarded-for") ?? "" });
  if (!isLoopbackAddress(peer) || !isLoopbackAddress(clientIp(forwarded, config.trustProxy))) return false;
  if (!forwardedAddresses(headers).every(isLoopbackAddress)) return false;
  const host = hostNameOf(headers.get("host"));
  return host !== null && (isLoopbackName(host) || host === new URL(config.appUrl).hostname.toLowerCase());
}
