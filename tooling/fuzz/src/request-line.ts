/**
 * The request line: another method than the endpoint's own, path mutations, query garbage, and percent-encoding.
 * Byte strings throughout.
 */
import fc from "fast-check";
import { bytes, utf8 } from "./bytes";

// ---------------------------------------------------------------------------------------------------------------
// Methods

const STANDARD_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
/** Methods Node's parser knows besides the standard ones (WebDAV, UPnP, …). */
const OTHER_NODE_METHODS = [
  "TRACE",
  "CONNECT",
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
  "SEARCH",
  "QUERY",
  "PURGE",
  "LINK",
  "UNLINK",
  "M-SEARCH",
  "NOTIFY",
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "REPORT",
  "MKACTIVITY",
  "CHECKOUT",
  "MERGE",
  "BIND",
  "REBIND",
  "UNBIND",
  "ACL",
  "MKCALENDAR",
  "SOURCE",
];

/** Another method than the endpoint's own (the caller drops a pick equal to it). */
export const otherMethod: fc.Arbitrary<{ method: string; tag: string }> = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...STANDARD_METHODS).map((method) => ({ method, tag: `method:${method}` })) },
  { weight: 40, arbitrary: fc.constantFrom(...OTHER_NODE_METHODS).map((method) => ({ method, tag: `method:${method}` })) },
  { weight: 10, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/).map((method) => ({ method, tag: "method:random-token" })) },
  {
    weight: 10,
    arbitrary: fc
      .constantFrom(...STANDARD_METHODS, "trace", "propfind")
      .map((m) => ({ method: m.toLowerCase().replace(/^./, (c) => (m.length % 2 ? c.toUpperCase() : c)), tag: "method:lowercase" })),
  },
  { weight: 3, arbitrary: fc.constantFrom("", "GET POST", "G\u0000T", "GÉT", "POST\t").map((m) => ({ method: utf8(m), tag: "method:malformed" })) },
);

// ---------------------------------------------------------------------------------------------------------------
// Path and query mutations

type PathMutation = { tag: string; apply: (path: string, n: number) => string };

function insertAt(path: string, n: number, text: string): string {
  const at = 1 + (n % path.length); // never before the leading "/"
  return path.slice(0, at) + text + path.slice(at);
}

function atSlash(path: string, n: number, f: (before: string, after: string) => string): string {
  const slashes = [...path.matchAll(/\//g)].map((m) => m.index ?? 0);
  const at = slashes[n % slashes.length] ?? 0;
  return f(path.slice(0, at), path.slice(at));
}

export const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  fc.constantFrom("/", "//").map((s) => ({ tag: "path:trailing-slash", apply: (p: string) => p + s })),
  fc.constant({ tag: "path:double-slash", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/${b}`) }),
  fc.constant({ tag: "path:dot-segment", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/.${b}`) }),
  fc.constant({ tag: "path:dotdot-segment", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/zz/..${b}`) }),
  fc
    .constantFrom("%", "%Z1", "%E0%A4%A", "%G0", "%%", "%2", "%u0041", "%zz%")
    .map((s) => ({ tag: "path:broken-escape", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .constantFrom("%C0%AF", "%E0%80%AF", "%ED%A0%80", "%FF", "%F8%88%80%80%80", "%C3", "%80", "%C0%80")
    .map((s) => ({ tag: "path:invalid-utf8-escape", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .constantFrom("%00", "%0A", "%0D%0A", "%7F", "%09", "%1B")
    .map((s) => ({ tag: "path:escaped-control", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .constantFrom("%2F", "%2E", "%2e%2e", "%5C", "%3F", "%23")
    .map((s) => ({ tag: "path:escaped-delimiter", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .constantFrom(utf8("é"), utf8("中文"), utf8("😀"), bytes(0xff), bytes(0x80))
    .map((s) => ({ tag: "path:raw-non-ascii", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .constantFrom("\u0000", "\u0001", "\u007f", "\t", " ", "\u000b", "\r", "\n")
    .map((s) => ({ tag: "path:raw-control", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc
    .tuple(fc.integer({ min: 1_000, max: 40_000 }), fc.constantFrom("a", "/x", "%41", "é"))
    .map(([len, unit]) => ({ tag: "path:very-long", apply: (p: string) => `${p}/${utf8(unit).repeat(Math.ceil(len / unit.length))}` })),
  fc.constant({ tag: "path:upper-case", apply: (p: string) => p.toUpperCase() }),
  fc.constant({ tag: "path:backslash", apply: (p: string, n: number) => atSlash(p, n + 1, (a, b) => `${a}\\${b.slice(1)}`) }),
  fc.constant({
    tag: "path:percent-encoded-letter",
    apply: (p: string, n: number) => {
      const letters = [...p.matchAll(/[A-Za-z.]/g)].map((m) => m.index ?? 0);
      const at = letters.length ? (letters[n % letters.length] as number) : 0;
      return `${p.slice(0, at)}%${p.charCodeAt(at).toString(16).toUpperCase()}${p.slice(at + 1)}`;
    },
  }),
);

export const queryGarbage: fc.Arbitrary<{ text: string; tag: string }> = fc.oneof(
  fc
    .constantFrom(
      "%",
      "%%%",
      "a=%",
      "&&==&",
      "=",
      "a=1&a=2",
      "%00",
      "x=%E0%A4%A",
      "#frag",
      "??",
      "batch=1",
      "batch=0",
      "batch=true",
      "input=",
      "input=%7B",
      "input={",
      "input=null",
      "input=%22x%22",
    )
    .map((text) => ({ text, tag: "query:garbage" })),
  fc
    .uint8Array({ minLength: 1, maxLength: 60 })
    .map((a) => ({ text: Buffer.from(a.map((b) => (b < 0x21 || b === 0x7f ? 0x41 : b))).toString("latin1"), tag: "query:random-bytes" })),
  fc.integer({ min: 2_000, max: 30_000 }).map((n) => ({ text: `q=${"z".repeat(n)}`, tag: "query:very-long" })),
  fc.string({ maxLength: 40 }).map((s) => ({ text: percentEncode(utf8(s)), tag: "query:unicode" })),
);

const PERCENT = Array.from({ length: 256 }, (_, b) =>
  /[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`,
);

/** Percent-encodes every byte outside the unreserved set (works on invalid UTF-8 too). */
export function percentEncode(byteString: string): string {
  const parts: string[] = new Array<string>(byteString.length);
  for (let i = 0; i < byteString.length; i++) parts[i] = PERCENT[byteString.charCodeAt(i) & 0xff] as string;
  return parts.join("");
}
