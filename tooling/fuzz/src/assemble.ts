/** Turns a symbolic case into the exact bytes sent to one target (host header, origin, framing). */
import type { CaseSpec, FuzzCase, HeaderMutation } from "./model";

export interface TargetInfo {
  /** Value of the Host header, e.g. `localhost:4123`. */
  hostHeader: string;
  /** The app's own origin (APP_URL's), e.g. `http://localhost:4123`. */
  appOrigin: string;
}

function chunked(body: string, pieces: number, upper: boolean, extension: boolean, trailer: boolean): string {
  let out = "";
  const size = Math.max(1, Math.ceil(body.length / pieces));
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    const hex = part.length.toString(16);
    out += `${upper ? hex.toUpperCase() : hex}${extension ? ";ext=1" : ""}\r\n${part}\r\n`;
  }
  return `${out}0\r\n${trailer ? "X-Trailer: 1\r\n" : ""}\r\n`;
}

function originValue(h: Extract<HeaderMutation, { kind: "origin" }>, appOrigin: string): { value: string; cross: boolean | undefined } {
  const url = new URL(appOrigin);
  switch (h.origin) {
    case "same":
      return { value: appOrigin, cross: false };
    case "evil":
      return { value: "https://evil.example", cross: true };
    case "null":
      return { value: "null", cross: true };
    case "other-port":
      return { value: `${url.protocol}//${url.hostname}:${Number(url.port || 80) + 1}`, cross: true };
    case "https":
      return { value: `${url.protocol === "https:" ? "http:" : "https:"}//${url.host}`, cross: true };
    case "upper":
      return { value: appOrigin.toUpperCase(), cross: undefined };
    case "slash":
      return { value: `${appOrigin}/`, cross: undefined };
    case "garbage":
      return { value: h.garbage, cross: h.garbage === appOrigin ? false : undefined };
  }
}

export function assemble(spec: CaseSpec, index: number, t: TargetInfo): FuzzCase {
  const headers: Array<[string, string]> = [];
  let host = t.hostHeader;
  let keepConnectionClose = true;
  const extra: Array<[string, string]> = [];
  const crossSignals: Array<boolean | undefined> = [];

  for (const h of spec.headers) {
    switch (h.kind) {
      case "origin": {
        const o = originValue(h, t.appOrigin);
        extra.push(["Origin", o.value]);
        crossSignals.push(o.cross);
        break;
      }
      case "sec-fetch-site":
        extra.push(["Sec-Fetch-Site", h.value]);
        crossSignals.push(h.value === "cross-site" ? true : ["same-origin", "same-site", "none"].includes(h.value) ? false : undefined);
        break;
      case "raw":
        extra.push([h.name, h.value]);
        break;
      case "host":
        host = h.value;
        break;
      case "many":
        for (let i = 0; i < h.count; i++) extra.push([`X-Fuzz-${i}`, "v".repeat(h.valueLength)]);
        break;
      case "drop-connection-close":
        keepConnectionClose = false;
        break;
    }
  }

  headers.push(["Host", host]);
  if (keepConnectionClose) headers.push(["Connection", "close"]);
  headers.push(["User-Agent", "rekey-fuzz/1"]);

  const body = spec.body;
  const hasBodyMethod = spec.method === "POST" || spec.method === "PUT" || spec.method === "PATCH";
  if (spec.contentType.kind === "default" && (body.length > 0 || hasBodyMethod)) headers.push(["Content-Type", "application/json"]);
  if (spec.contentType.kind === "value") headers.push(["Content-Type", spec.contentType.value]);

  let payload = body;
  let bodyBytes = body.length;
  let incomplete = false;
  const f = spec.framing;
  switch (f.kind) {
    case "length":
      if (body.length > 0 || hasBodyMethod) headers.push(["Content-Length", String(body.length)]);
      break;
    case "chunked":
      headers.push(["Transfer-Encoding", "chunked"]);
      payload = chunked(body, f.pieces, f.upper, f.extension, f.trailer);
      break;
    case "none":
      payload = "";
      bodyBytes = 0;
      break;
    case "length-short":
      bodyBytes = Math.floor(body.length / 2);
      headers.push(["Content-Length", String(bodyBytes)]);
      break;
    case "length-long":
      bodyBytes = body.length + f.extra;
      headers.push(["Content-Length", String(bodyBytes)]);
      incomplete = true;
      break;
    case "length-garbage":
      headers.push(["Content-Length", f.value]);
      incomplete = /^\s*\d+\s*$/.test(f.value) && BigInt(f.value.trim()) > BigInt(body.length);
      break;
    case "length-dup":
      headers.push(["Content-Length", String(body.length)]);
      headers.push(["Content-Length", String(f.same ? body.length : body.length + 1)]);
      incomplete = !f.same;
      break;
    case "te+cl":
      headers.push(["Transfer-Encoding", "chunked"]);
      headers.push(["Content-Length", String(body.length)]);
      payload = chunked(body, 2, false, false, false);
      break;
    case "te-odd":
      headers.push(["Transfer-Encoding", f.value]);
      payload = chunked(body, 2, false, false, false);
      break;
    case "chunked-bad":
      headers.push(["Transfer-Encoding", "chunked"]);
      if (f.variant === "bad-hex") payload = `zz\r\n${body}\r\n0\r\n\r\n`;
      else if (f.variant === "negative") payload = `-1\r\n${body}\r\n0\r\n\r\n`;
      else payload = `${Math.max(0, body.length - 1).toString(16)}\r\n${body}x\r\n0\r\n\r\n`;
      break;
  }

  headers.push(...extra);
  const target = spec.path + spec.query;
  const head = `${spec.method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  const crossSite = crossSignals.includes(true) ? true : crossSignals.includes(undefined) ? undefined : false;
  return {
    index,
    spec,
    payload: Buffer.from(head + payload, "latin1"),
    target,
    headers,
    headBytes: head.length,
    bodyBytes,
    incomplete,
    crossSite,
  };
}
