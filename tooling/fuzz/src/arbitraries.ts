/**
 * fast-check arbitraries for one fuzz case: an endpoint (every REST path, every tRPC procedure, unknown
 * ones, batches), a method, path and query mutations, header mutations, a body and its framing.
 * Everything here is symbolic and independent of the target; `assemble.ts` turns a spec into bytes.
 */
import fc from "fast-check";
import { bytes, utf8 } from "./bytes";
import type { CaseSpec, ContentTypeChoice, Framing, HeaderMutation, OriginChoice, Surface, TrpcInfo } from "./model";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// ---------------------------------------------------------------------------------------------------------------
// Endpoints

export const REST_USER_ROUTES = {
  requestPasswordReset: "POST",
  verifyResetToken: "POST",
  resetPassword: "POST",
  register: "POST",
  login: "POST",
  reportPasswordChange: "POST",
  me: "GET",
  logout: "POST",
} as const;
type RestUserRoute = keyof typeof REST_USER_ROUTES;

export const TRPC_PROCEDURES = {
  "auth.passwordReset.request": { type: "mutation", input: "requestPasswordReset" },
  "auth.passwordReset.verify": { type: "mutation", input: "verifyResetToken" },
  "auth.passwordReset.reset": { type: "mutation", input: "resetPassword" },
  "auth.signUp": { type: "mutation", input: "register" },
  "auth.signIn": { type: "mutation", input: "login" },
  "auth.signOut": { type: "mutation", input: "none" },
  "auth.me": { type: "query", input: "none" },
} as const satisfies Record<string, { type: "query" | "mutation"; input: RestUserRoute | "none" }>;
type TrpcProcedure = keyof typeof TRPC_PROCEDURES;
const PROCEDURE_NAMES = Object.keys(TRPC_PROCEDURES) as TrpcProcedure[];

export function isKnownProcedure(name: string): boolean {
  return Object.hasOwn(TRPC_PROCEDURES, name);
}

// ---------------------------------------------------------------------------------------------------------------
// Valid field values

const asciiPassword = fc.stringMatching(/^[!-~]{6,40}$/);
const email = fc.oneof(
  { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,15}@[a-z0-9-]{1,12}\.(com|org|net|example)$/) },
  { weight: 2, arbitrary: fc.constantFrom("demo@example.com", "user@example.com", "DEMO@Example.COM", " demo@example.com ") },
);
const username = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{3,20}$/), fc.constant("demo"));
const token = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/));
const code = fc.oneof(fc.stringMatching(/^\d{8}$/), fc.stringMatching(/^\d{4} \d{4}$/));
const captcha = fc.stringMatching(/^[A-Za-z0-9+/]{8,80}={0,2}$/);

function withoutUndefined(o: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A valid input for each REST path (the tRPC procedures take the same objects). */
const VALID_INPUT: Record<RestUserRoute | "none", fc.Arbitrary<JsonObject>> = {
  requestPasswordReset: fc
    .record({ email, captcha: fc.option(captcha, { nil: undefined, freq: 4 }) })
    .map(withoutUndefined),
  verifyResetToken: fc.oneof(fc.record({ token }), fc.record({ email, code })),
  resetPassword: fc.oneof(fc.record({ token, new_password: asciiPassword }), fc.record({ email, code, new_password: asciiPassword })),
  register: fc.record({ email, username, password: asciiPassword }),
  login: fc.record({ account: fc.oneof(email, username), password: asciiPassword }),
  reportPasswordChange: fc.record({ token }),
  me: fc.constant({}),
  logout: fc.constant({}),
  none: fc.constant({}),
};

// ---------------------------------------------------------------------------------------------------------------
// Hostile values for one field

const weirdValue: fc.Arbitrary<{ value: Json; tag: string }> = fc.oneof(
  fc.integer().map((value) => ({ value, tag: "number" })),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => ({ value, tag: "float" })),
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1).map((value) => ({ value, tag: "number-edge" })),
  fc.boolean().map((value) => ({ value, tag: "boolean" })),
  fc.constant({ value: null, tag: "null" }),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }).map((value) => ({ value, tag: "array" })),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }).map((value) => ({ value, tag: "object" })),
  fc
    .tuple(fc.constantFrom("a", "中", "😀", "\u0000", " ", "%", "\\"), fc.integer({ min: 1_000, max: 70_000 }))
    .map(([c, n]) => ({ value: c.repeat(n), tag: "huge-string" })),
  fc
    .tuple(fc.string({ maxLength: 8 }), fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\n", "\r\n", "\t", "\u2028", "\u2029", "\ufeff", "\u0085"))
    .map(([s, c]) => ({ value: `${s}${c}${s}`, tag: "control-chars" })),
  fc.constantFrom("\ud800", "\udfff", "a\ud800b", "\ud83d", "\ude00\ud83d", "x@\udbff.com").map((value) => ({ value, tag: "lone-surrogate" })),
  fc.constantFrom("😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "a😀@example.com", "😀".repeat(300)).map((value) => ({ value, tag: "emoji" })),
  fc.constantFrom("\u202edemo@example.com", "مرحبا@example.com", "שלום", "\u200f\u200e", "demo@exa\u202emple.com").map((value) => ({ value, tag: "rtl" })),
  fc.constantFrom("123", "1e309", "-0", "0x10", "NaN", "Infinity", "00000001", "12345678", "true", "null").map((value) => ({ value, tag: "number-as-string" })),
  fc.string({ unit: "binary", maxLength: 40 }).map((value) => ({ value, tag: "unicode" })),
  fc.constantFrom("", " ", "\u3000", "\u00a0", "\u200b").map((value) => ({ value, tag: "blank" })),
  fc.constantFrom("ｄｅｍｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "e\u0301@example.com", "DEMO@EXAMPLE.COM", "demo@example.com\u0000", "<script>alert(1)</script>", "' OR 1=1 --", "${jndi:x}", "../../etc/passwd").map((value) => ({ value, tag: "tricky-string" })),
);

// ---------------------------------------------------------------------------------------------------------------
// Bodies

interface Body {
  /** Byte string. */
  bytes: string;
  isJson: boolean;
  tag: string;
}

function jsonBody(value: Json, tag: string): Body {
  return { bytes: utf8(JSON.stringify(value)), isJson: true, tag };
}

/** A JSON object rendered with one field's value replaced by raw JSON text. */
function objectWithRaw(o: JsonObject, key: string, raw: string): string {
  const entries = Object.entries(o).filter(([k]) => k !== key);
  const parts = entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  parts.push(`${JSON.stringify(key)}:${raw}`);
  return `{${parts.join(",")}}`;
}

function pickKey(o: JsonObject, n: number): string {
  const keys = Object.keys(o);
  return keys.length === 0 ? "x" : (keys[n % keys.length] as string);
}

function nested(depth: number, style: "array" | "object"): string {
  return style === "array" ? `${"[".repeat(depth)}1${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const INVALID_JSON = [
  '{"email": "a@b.c",}',
  "{'email': 'a@b.c'}",
  '{email: "a@b.c"}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  "/*c*/{}",
  "{}{}",
  '{"a":1}garbage',
  "\ufeff{}",
  "[",
  '"',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  "nul",
  "tru",
  '{"a":01}',
  '{"a":.5}',
  '{"a":1e}',
  '{"a":-}',
  '{"a":"\u0001"}',
  '{"a":"line\nbreak"}',
  "{",
  "}",
  ",",
  "{\"a\"}",
  "{\"a\":}",
  "\u0000",
  "undefined",
];

const INVALID_UTF8 = [bytes(0xff), bytes(0xc3, 0x28), bytes(0xe0, 0x80, 0x80), bytes(0xed, 0xa0, 0x80), bytes(0xf8, 0x88, 0x80, 0x80, 0x80), bytes(0xc0, 0xaf), bytes(0x80), bytes(0xf4, 0x90, 0x80, 0x80), bytes(0xc3)];

/** Sizes around the REST (16 KiB) and tRPC (64 KiB) limits. */
const limitSize = fc.oneof(
  fc.tuple(fc.constantFrom(16 * 1024, 64 * 1024), fc.integer({ min: -3, max: 3 })).map(([l, d]) => l + d),
  fc.tuple(fc.constantFrom(16 * 1024, 64 * 1024), fc.integer({ min: -300, max: 300 })).map(([l, d]) => l + d),
);

/** Pads a JSON object to exactly `size` bytes (ASCII padding), in a new field, a string field or leading whitespace. */
function padded(o: JsonObject, size: number, where: "field" | "value" | "whitespace"): string {
  if (where === "whitespace") {
    const text = utf8(JSON.stringify(o));
    return " ".repeat(Math.max(0, size - text.length)) + text;
  }
  const key = where === "field" ? "pad" : (Object.keys(o).find((k) => typeof o[k] === "string") ?? "pad");
  const base = { ...o, [key]: where === "field" ? "" : (o[key] as string) };
  const text = utf8(JSON.stringify(base));
  const fill = "x".repeat(Math.max(0, size - text.length));
  return utf8(JSON.stringify({ ...base, [key]: `${String(base[key] ?? "")}${fill}` }));
}

/** A hostile body built from a valid input: one field mutated, extra fields, nesting, sizes, broken JSON… */
function hostileBody(valid: fc.Arbitrary<JsonObject>): fc.Arbitrary<Body> {
  return fc.oneof(
    {
      weight: 34,
      arbitrary: fc.tuple(valid, fc.nat(), weirdValue).map(([o, n, w]) => jsonBody({ ...o, [pickKey(o, n)]: w.value }, `body:field-${w.tag}`)),
    },
    {
      weight: 5,
      arbitrary: fc.tuple(valid, fc.nat()).map(([o, n]) => {
        const copy = { ...o };
        delete copy[pickKey(o, n)];
        return jsonBody(copy, "body:field-missing");
      }),
    },
    {
      weight: 7,
      arbitrary: fc
        .tuple(
          valid,
          fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "prototype", "toString", "id", "role", "isAdmin", "email")), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, {
            minKeys: 1,
            maxKeys: 6,
          }),
        )
        .map(([o, extra]) => {
          // JSON.stringify drops a "__proto__" own key set via spread; build the text by hand.
          const parts = [...Object.entries(o), ...Object.entries(extra)].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
          return { bytes: utf8(`{${parts.join(",")}}`), isJson: true, tag: "body:extra-fields" };
        }),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          valid,
          fc.nat(),
          fc.oneof(fc.integer({ min: 10, max: 100 }), fc.integer({ min: 100, max: 5_000 }), fc.integer({ min: 5_000, max: 100_000 })),
          fc.constantFrom("array" as const, "object" as const),
          fc.boolean(),
        )
        .map(([o, n, depth, style, whole]) => ({
          bytes: whole ? nested(depth, style) : objectWithRaw(o, pickKey(o, n), nested(depth, style)),
          isJson: true,
          tag: `body:deep-${depth < 100 ? "10+" : depth < 5000 ? "100+" : "5k+"}`,
        })),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(valid, limitSize, fc.constantFrom("field" as const, "value" as const, "whitespace" as const))
        .map(([o, size, where]) => ({ bytes: padded(o, size, where), isJson: true, tag: `body:size-${size > 32 * 1024 ? "64k" : "16k"}${size > (size > 32 * 1024 ? 65536 : 16384) ? "-over" : "-under"}` })),
    },
    {
      weight: 8,
      arbitrary: fc.oneof(
        fc.constantFrom(...INVALID_JSON).map((t) => ({ bytes: utf8(t), isJson: false, tag: "body:invalid-json" })),
        fc.tuple(valid, fc.nat()).map(([o, n]) => {
          const text = utf8(JSON.stringify(o));
          return { bytes: text.slice(0, n % text.length), isJson: false, tag: "body:truncated-json" };
        }),
      ),
    },
    {
      weight: 5,
      arbitrary: fc.tuple(valid, fc.constantFrom(...INVALID_UTF8), fc.nat()).map(([o, bad, n]) => {
        const text = utf8(JSON.stringify(Object.keys(o).length ? o : { x: "y" }));
        // Inside a string value when there is one, else anywhere.
        const quotes = [...text.matchAll(/:"/g)].map((m) => (m.index ?? 0) + 2);
        const at = quotes.length ? (quotes[n % quotes.length] as number) : n % (text.length + 1);
        return { bytes: text.slice(0, at) + bad + text.slice(at), isJson: false, tag: "body:invalid-utf8" };
      }),
    },
    { weight: 4, arbitrary: fc.constant({ bytes: "", isJson: false, tag: "body:empty" }) },
    {
      weight: 4,
      arbitrary: fc.tuple(valid, fc.constantFrom("[]", "null", "1", '"s"', "true", "[V]", "{}", "[V,V]", "0", "-1", '""')).map(([o, t]) => ({
        bytes: utf8(t.replaceAll("V", JSON.stringify(o))),
        isJson: true,
        tag: "body:top-level-non-object",
      })),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.uint8Array({ maxLength: 300 }).map((a) => ({ bytes: Buffer.from(a).toString("latin1"), isJson: false, tag: "body:random-bytes" })),
        fc.constantFrom("email=demo%40example.com&password=x", "------x\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\ndemo@example.com\r\n------x--\r\n", "<xml/>").map((t) => ({
          bytes: t,
          isJson: false,
          tag: "body:non-json-format",
        })),
      ),
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Methods

const STANDARD_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
/** Methods Node's parser knows besides the standard ones (WebDAV, UPnP, …). */
const OTHER_NODE_METHODS = [
  "TRACE", "CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "SEARCH", "QUERY", "PURGE",
  "LINK", "UNLINK", "M-SEARCH", "NOTIFY", "SUBSCRIBE", "UNSUBSCRIBE", "REPORT", "MKACTIVITY", "CHECKOUT", "MERGE",
  "BIND", "REBIND", "UNBIND", "ACL", "MKCALENDAR", "SOURCE",
];

/** Another method than the endpoint's own (the caller drops a pick equal to it). */
const otherMethod: fc.Arbitrary<{ method: string; tag: string }> = fc.oneof(
    { weight: 30, arbitrary: fc.constantFrom(...STANDARD_METHODS).map((method) => ({ method, tag: `method:${method}` })) },
    { weight: 40, arbitrary: fc.constantFrom(...OTHER_NODE_METHODS).map((method) => ({ method, tag: `method:${method}` })) },
    { weight: 10, arbitrary: fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/).map((method) => ({ method, tag: "method:random-token" })) },
    {
      weight: 10,
      arbitrary: fc.constantFrom(...STANDARD_METHODS, "trace", "propfind").map((m) => ({ method: m.toLowerCase().replace(/^./, (c) => (m.length % 2 ? c.toUpperCase() : c)), tag: "method:lowercase" })),
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

const pathMutation: fc.Arbitrary<PathMutation> = fc.oneof(
  fc.constantFrom("/", "//").map((s) => ({ tag: "path:trailing-slash", apply: (p: string) => p + s })),
  fc.constant({ tag: "path:double-slash", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/${b}`) }),
  fc.constant({ tag: "path:dot-segment", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/.${b}`) }),
  fc.constant({ tag: "path:dotdot-segment", apply: (p: string, n: number) => atSlash(p, n, (a, b) => `${a}/zz/..${b}`) }),
  fc.constantFrom("%", "%Z1", "%E0%A4%A", "%G0", "%%", "%2", "%u0041", "%zz%").map((s) => ({ tag: "path:broken-escape", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc.constantFrom("%C0%AF", "%E0%80%AF", "%ED%A0%80", "%FF", "%F8%88%80%80%80", "%C3", "%80", "%C0%80").map((s) => ({ tag: "path:invalid-utf8-escape", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc.constantFrom("%00", "%0A", "%0D%0A", "%7F", "%09", "%1B").map((s) => ({ tag: "path:escaped-control", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc.constantFrom("%2F", "%2E", "%2e%2e", "%5C", "%3F", "%23").map((s) => ({ tag: "path:escaped-delimiter", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc.constantFrom(utf8("é"), utf8("中文"), utf8("😀"), bytes(0xff), bytes(0x80)).map((s) => ({ tag: "path:raw-non-ascii", apply: (p: string, n: number) => insertAt(p, n, s) })),
  fc.constantFrom("\u0000", "\u0001", "\u007f", "\t", " ", "\u000b", "\r", "\n").map((s) => ({ tag: "path:raw-control", apply: (p: string, n: number) => insertAt(p, n, s) })),
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

const queryGarbage: fc.Arbitrary<{ text: string; tag: string }> = fc.oneof(
  fc.constantFrom("%", "%%%", "a=%", "&&==&", "=", "a=1&a=2", "%00", "x=%E0%A4%A", "#frag", "??", "batch=1", "batch=0", "batch=true", "input=", "input=%7B", "input={", "input=null", "input=%22x%22").map((text) => ({ text, tag: "query:garbage" })),
  fc.uint8Array({ minLength: 1, maxLength: 60 }).map((a) => ({ text: Buffer.from(a.map((b) => (b < 0x21 || b === 0x7f ? 0x41 : b))).toString("latin1"), tag: "query:random-bytes" })),
  fc.integer({ min: 2_000, max: 30_000 }).map((n) => ({ text: `q=${"z".repeat(n)}`, tag: "query:very-long" })),
  fc.string({ maxLength: 40 }).map((s) => ({ text: percentEncode(utf8(s)), tag: "query:unicode" })),
);

const PERCENT = Array.from({ length: 256 }, (_, b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`));

/** Percent-encodes every byte outside the unreserved set (works on invalid UTF-8 too). */
export function percentEncode(byteString: string): string {
  const parts: string[] = new Array<string>(byteString.length);
  for (let i = 0; i < byteString.length; i++) parts[i] = PERCENT[byteString.charCodeAt(i) & 0xff] as string;
  return parts.join("");
}

// ---------------------------------------------------------------------------------------------------------------
// Headers

const highBytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a.map((b) => 0x80 | b)).toString("latin1"));
const printable = fc.stringMatching(/^[ -~]{0,60}$/);

/** A Content-Type other than `application/json`. */
const contentType: fc.Arbitrary<ContentTypeChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: "none" as const }) },
  {
    weight: 20,
    arbitrary: fc.constantFrom(
      { value: "text/plain", jsonish: false },
      { value: "multipart/form-data; boundary=----x", jsonish: false },
      { value: "application/json; charset=garbage", jsonish: true },
      { value: "application/json; charset=utf-16", jsonish: true },
      { value: "application/x-www-form-urlencoded", jsonish: false },
      { value: "application/json;;;", jsonish: true },
      { value: "APPLICATION/JSON", jsonish: true },
      { value: "application/jsonx", jsonish: false },
      { value: "application/merge-patch+json", jsonish: false },
      { value: "*/*", jsonish: false },
      { value: "", jsonish: false },
    ).map((c) => ({ kind: "value" as const, ...c })),
  },
  { weight: 4, arbitrary: fc.oneof(printable, highBytes).map((value) => ({ kind: "value" as const, value, jsonish: false })) },
);

/** Any framing but a plain, correct Content-Length. */
const framing: fc.Arbitrary<Framing> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc.record({ pieces: fc.integer({ min: 1, max: 6 }), upper: fc.boolean(), extension: fc.boolean(), trailer: fc.boolean() }).map((r) => ({ kind: "chunked" as const, ...r })),
  },
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 6, arbitrary: fc.constant({ kind: "length-short" as const }) },
  { weight: 3, arbitrary: fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 70_000, max: 1e9 })).map((extra) => ({ kind: "length-long" as const, extra })) },
  {
    weight: 12,
    arbitrary: fc
      .constantFrom("-1", "abc", "1.5", "0x10", "+5", " ", "", "1 2", "99999999999999999999999", "1e3", utf8("٣"), "18446744073709551616", "00")
      .map((value) => ({ kind: "length-garbage" as const, value })),
  },
  { weight: 6, arbitrary: fc.boolean().map((same) => ({ kind: "length-dup" as const, same })) },
  { weight: 6, arbitrary: fc.constant({ kind: "te+cl" as const }) },
  { weight: 6, arbitrary: fc.constantFrom("gzip, chunked", "chunked, gzip", "identity", "CHUNKED", "chunked ", "x-custom", "chunked, chunked").map((value) => ({ kind: "te-odd" as const, value })) },
  { weight: 6, arbitrary: fc.constantFrom("bad-hex" as const, "negative" as const, "overrun" as const).map((variant) => ({ kind: "chunked-bad" as const, variant })) },
);

const origin: fc.Arbitrary<HeaderMutation> = fc
  .tuple(fc.constantFrom<OriginChoice>("same", "same", "evil", "null", "other-port", "https", "garbage", "upper", "slash"), fc.oneof(printable, highBytes))
  .map(([o, garbage]) => ({ kind: "origin", origin: o, garbage }));

const secFetchSite: fc.Arbitrary<HeaderMutation> = fc
  .oneof(fc.constantFrom("same-origin", "same-site", "cross-site", "none"), fc.constantFrom("CROSS-SITE", "cross-site, same-origin", ""), printable)
  .map((value) => ({ kind: "sec-fetch-site", value }));

function raw(name: string, value: fc.Arbitrary<string>, tag: string): fc.Arbitrary<HeaderMutation> {
  return value.map((v) => ({ kind: "raw", name, value: v, tag }));
}

const acceptLanguage = raw(
  "Accept-Language",
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom("en", "zh-CN", "*", "en;q=abc", "q=1.0", ",,,", "en-US,en;q=0.9,zh;q=0.8", "xx-YY", "-", "en;q=2", ";") },
    { weight: 2, arbitrary: printable },
    { weight: 2, arbitrary: highBytes },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => "en,".repeat(n / 3)) },
  ),
  "hdr:accept-language",
);

const authorization = raw(
  "Authorization",
  fc.oneof(
    { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{10,64}$/).map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: highBytes.map((t) => `Bearer ${t}`) },
    { weight: 4, arbitrary: fc.constantFrom("Bearer", "Bearer ", "Bearer  x y", "bearer abc", "Basic ZGVtbzpkZW1v", "Basic !!!", "", "Token abc", "Bearer %00") },
    { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 15_000 }).map((n) => `Bearer ${"A".repeat(n)}`) },
  ),
  "hdr:authorization",
);

const cookie = raw(
  "Cookie",
  fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((t) => `rekey_session=${t}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom("rekey_locale=xx", "rekey_locale=en", "a=%", "=;=;", ";;;", "rekey_session=", "rekey_session=%E0%A4%A", "__Host-rekey_session=x; rekey_session=y", 'a="unterminated'),
    },
    { weight: 2, arbitrary: printable },
    { weight: 2, arbitrary: highBytes },
    { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 15_000 }).map((n) => `a=${"b".repeat(n)}`) },
  ),
  "hdr:cookie",
);

const otherHeaders: fc.Arbitrary<HeaderMutation> = fc.oneof(
  fc.constant({ kind: "drop-connection-close" as const }),
  fc.tuple(fc.constantFrom("User-Agent", "X-Custom", "Referer", "Accept", "Accept-Encoding", "If-None-Match", "Range"), highBytes).map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:high-bytes" })),
  fc.tuple(fc.constantFrom("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "Forwarded", "X-Forwarded-Port"), fc.oneof(printable, fc.constantFrom("", "::1", "1.2.3.4, evil", "https", "evil.example", "[::", "999999")))
    .map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:forwarded" })),
  fc.integer({ min: 16 * 1024, max: 64 * 1024 }).map((n) => ({ kind: "raw" as const, name: "X-Huge", value: "h".repeat(n), tag: "hdr:huge-value" })),
  fc.record({ count: fc.integer({ min: 20, max: 400 }), valueLength: fc.integer({ min: 1, max: 60 }) }).map((r) => ({ kind: "many" as const, ...r })),
  fc.tuple(fc.constantFrom("X-Custom", "Accept", "User-Agent"), fc.constantFrom("\u0000", "\u0001", "\u007f", "\u001b", "a\u0000b")).map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:control-byte" })),
  fc.oneof(printable, highBytes, fc.constantFrom("", "localhost:99999", "evil.example", "[::1", "a b", "localhost:abc")).map((value) => ({ kind: "host" as const, value })),
  fc.constantFrom("100-continue", "garbage", "").map((value) => ({ kind: "raw" as const, name: "Expect", value, tag: "hdr:expect" })),
  fc.constantFrom(
    { name: "Content-Type ", value: "application/json", tag: "hdr:malformed-name" },
    { name: "X Bad", value: "1", tag: "hdr:malformed-name" },
    { name: "X-Fold", value: "a\r\n folded", tag: "hdr:obs-fold" },
    { name: "Upgrade", value: "websocket", tag: "hdr:upgrade" },
    { name: "Upgrade", value: "h2c", tag: "hdr:upgrade" },
    { name: "Accept", value: "text/html", tag: "hdr:accept" },
    { name: "Accept", value: "application/xml", tag: "hdr:accept" },
    { name: "Accept", value: "text/event-stream", tag: "hdr:accept" },
    { name: "Range", value: "bytes=0-1", tag: "hdr:range" },
    { name: "trpc-accept", value: "application/jsonl", tag: "hdr:trpc-accept" },
    { name: "Next-Router-State-Tree", value: "%7B", tag: "hdr:next-internal" },
    { name: "RSC", value: "1", tag: "hdr:next-internal" },
    { name: "Next-Action", value: "abc", tag: "hdr:next-internal" },
    { name: "x-middleware-subrequest", value: "middleware:middleware:middleware:middleware:middleware", tag: "hdr:next-internal" },
    { name: "X-Rekey-Remote-Addr", value: "1.2.3.4", tag: "hdr:spoof-remote-addr" },
  ).map((h) => ({ kind: "raw" as const, ...h })),
);

const crossSiteHeaders: fc.Arbitrary<HeaderMutation[]> = fc.oneof(
  origin.map((o) => [o]),
  secFetchSite.map((h) => [h]),
  fc.tuple(origin, secFetchSite).map(([o, h]) => [o, h]),
);

// ---------------------------------------------------------------------------------------------------------------
// Endpoints → base request

interface Base {
  surface: Surface;
  label: string;
  path: string;
  /** `?batch=1` for batches, else "". */
  queryPrefix: string;
  /** The endpoint's own method. */
  method: string;
  /** tRPC GET calls carry their input in `?input=` rather than in the body. */
  inputInQuery: boolean;
  /** What a well-behaved client sends (undefined: no body). */
  valid: Body | undefined;
  /** Valid inputs, from which a hostile body is made when the case mutates the body. */
  input: fc.Arbitrary<JsonObject>;
  trpc?: TrpcInfo;
}

/** Beyond Node's 16 KiB header limit a longer URL only costs time: GET inputs are cut at 8 KiB (→ ≤ 24 KiB encoded). */
const MAX_QUERY_INPUT = 8 * 1024;

/** tRPC input as a query parameter (GET). */
function queryInput(body: Body): string {
  return body.bytes === "" ? "" : `input=${percentEncode(body.bytes.slice(0, MAX_QUERY_INPUT))}`;
}

const validBody = (o: fc.Arbitrary<JsonObject>) => o.map((v) => jsonBody(v, ""));

const restKnown: fc.Arbitrary<Base> = fc.constantFrom(...(Object.keys(REST_USER_ROUTES) as RestUserRoute[]), "openapi.json", "captcha/challenge").chain((name) => {
  const documentPath = name === "openapi.json" || name === "captcha/challenge";
  const method = documentPath ? "GET" : REST_USER_ROUTES[name as RestUserRoute];
  const input = documentPath ? fc.constant({}) : VALID_INPUT[name as RestUserRoute];
  return validBody(input).map((valid) => ({
    surface: "rest" as const,
    label: documentPath ? `rest ${name}` : `rest user/${name}`,
    path: documentPath ? `/api/v1/${name}` : `/api/v1/user/${name}`,
    queryPrefix: "",
    method,
    inputInQuery: false,
    valid: method === "POST" ? valid : undefined,
    input,
  }));
});

const restUnknown: fc.Arbitrary<Base> = fc
  .tuple(
    fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/).filter((n) => !Object.hasOwn(REST_USER_ROUTES, n)).map((n) => `user/${n}`),
      fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/).filter((s) => s !== "." && s !== ".."), { minLength: 1, maxLength: 5 }).map((a) => a.join("/")),
      fc.constantFrom("user", "users/login", "user/login/extra", "captcha", "openapi", "openapi.json.bak", "user/constructor", "user/__proto__", "user/toString", "user/hasOwnProperty", "User/login", "user/LOGIN", "health", "user/login.json", "trpc/auth.me", "v2/user/login", "user/me/me"),
    ),
    validBody(VALID_INPUT.login),
    fc.constantFrom("GET", "POST"),
  )
  .map(([rest, valid, method]) => ({
    surface: "rest" as const,
    label: "rest unknown",
    path: `/api/v1/${rest}`,
    queryPrefix: "",
    method,
    inputInQuery: false,
    valid: method === "POST" ? valid : undefined,
    input: VALID_INPUT.login,
  }));

const unknownProcedure: fc.Arbitrary<string> = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
    fc.constantFrom(
      "auth.passwordreset.request", "auth.passwordReset", "auth", "auth.me.x", "auth.me.", ".auth.me", "auth..me", "passwordReset.request", "signIn",
      "__proto__", "constructor", "auth.__proto__", "toString", "auth.hasOwnProperty", "auth.constructor.name", "auth.passwordReset.__proto__",
      "_def", "auth._def", "auth.signIn.mutation", "AUTH.ME", "auth.Me", "health",
    ),
  )
  .filter((n) => !isKnownProcedure(n) && !/^\.*$/.test(n));

function inputFor(proc: string): fc.Arbitrary<JsonObject> {
  return isKnownProcedure(proc) ? VALID_INPUT[TRPC_PROCEDURES[proc as TrpcProcedure].input] : fc.constant({ email: "demo@example.com" });
}

const isQuery = (proc: string) => isKnownProcedure(proc) && TRPC_PROCEDURES[proc as TrpcProcedure].type === "query";

const trpcSingle: fc.Arbitrary<Base> = fc
  .oneof({ weight: 2, arbitrary: fc.constantFrom(...PROCEDURE_NAMES) }, { weight: 1, arbitrary: unknownProcedure })
  .chain((proc) =>
    fc.tuple(validBody(inputFor(proc)), fc.boolean(), fc.boolean()).map(([valid, getForUnknown, sendInput]) => {
      const known = isKnownProcedure(proc);
      const get = known ? isQuery(proc) : getForUnknown;
      const noInput = known && TRPC_PROCEDURES[proc as TrpcProcedure].input === "none";
      return {
        surface: "trpc" as const,
        label: known ? `trpc ${proc}` : "trpc unknown-procedure",
        path: `/api/trpc/${proc}`,
        queryPrefix: "",
        method: get ? "GET" : "POST",
        inputInQuery: get,
        valid: noInput && !sendInput ? undefined : valid,
        input: inputFor(proc),
        trpc: { calls: [proc], unknown: [!known] },
      };
    }),
  );

const trpcBatch: fc.Arbitrary<Base> = fc
  .oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 11, max: 30 }))
  .chain((n) => fc.array(fc.oneof({ weight: 7, arbitrary: fc.constantFrom(...PROCEDURE_NAMES) }, { weight: 2, arbitrary: unknownProcedure }), { minLength: n, maxLength: n }))
  .chain((calls) => {
    const inputs = fc.tuple(...calls.map((c) => inputFor(c))).map((list) => Object.fromEntries(list.map((v, i) => [String(i), v])) as JsonObject);
    return fc.tuple(validBody(inputs), fc.integer({ min: 0, max: 9 })).map(([valid, r]) => {
      const get = calls.every(isQuery) ? r < 8 : r < 1;
      return {
        surface: "trpc" as const,
        label: `trpc batch×${calls.length}`,
        path: `/api/trpc/${calls.join(",")}`,
        queryPrefix: "?batch=1",
        method: get ? "GET" : "POST",
        inputInQuery: get,
        valid,
        input: inputs,
        trpc: { calls, unknown: calls.map((c) => !isKnownProcedure(c)) },
      };
    });
  });

const endpoint: fc.Arbitrary<Base> = fc.oneof(
  { weight: 45, arbitrary: restKnown },
  { weight: 10, arbitrary: restUnknown },
  { weight: 27, arbitrary: trpcSingle },
  { weight: 18, arbitrary: trpcBatch },
);

// ---------------------------------------------------------------------------------------------------------------
// The whole case: an endpoint's well-formed request with 0–4 things changed ("dimensions"), so that most cases
// still reach the app's own logic and a failure points at few causes.

const DIMENSIONS = [
  "method", "method",
  "path", "path",
  "query",
  "content-type",
  "framing", "framing",
  "cross-site", "cross-site",
  "accept-language",
  "authorization",
  "cookie",
  "header", "header",
  "body", "body", "body", "body", "body",
] as const;
type Dimension = (typeof DIMENSIONS)[number];

const dimensions: fc.Arbitrary<Set<Dimension>> = fc
  .oneof(
    { weight: 12, arbitrary: fc.constant(0) },
    { weight: 45, arbitrary: fc.constant(1) },
    { weight: 28, arbitrary: fc.constant(2) },
    { weight: 10, arbitrary: fc.constant(3) },
    { weight: 5, arbitrary: fc.constant(4) },
  )
  .chain((k) => fc.shuffledSubarray([...DIMENSIONS], { minLength: k, maxLength: k }))
  .map((list) => new Set(list));

const none = fc.constant(undefined);
/** Generates a dimension's mutation only when the case uses it (huge bodies and headers are not free). */
function when<T>(dims: Set<Dimension>, d: Dimension, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return dims.has(d) ? arb : none;
}

export const caseArbitrary: fc.Arbitrary<CaseSpec> = fc
  .tuple(endpoint, dimensions)
  .chain(([base, dims]) =>
    fc.record({
      base: fc.constant(base),
      dims: fc.constant(dims),
      hostile: when(dims, "body", hostileBody(base.input)),
      method: when(dims, "method", otherMethod),
      pathMutations: when(dims, "path", fc.array(fc.tuple(pathMutation, fc.nat()), { minLength: 1, maxLength: 2 })),
      query: when(dims, "query", queryGarbage),
      contentType: when(dims, "content-type", contentType),
      framing: when(dims, "framing", framing),
      crossSite: when(dims, "cross-site", crossSiteHeaders),
      acceptLanguage: when(dims, "accept-language", acceptLanguage),
      authorization: when(dims, "authorization", authorization),
      cookie: when(dims, "cookie", cookie),
      headers: when(dims, "header", fc.array(otherHeaders, { minLength: 1, maxLength: 2 })),
    }),
  )
  .map((r) => {
    const { base } = r;
    const tags: string[] = [base.label];
    const method = r.method && r.method.method !== base.method ? r.method : { method: base.method, tag: "" };
    if (method.tag) tags.push(method.tag);

    let path = base.path;
    for (const [mutation, n] of r.pathMutations ?? []) {
      path = mutation.apply(path, n);
      tags.push(mutation.tag);
    }

    const body = r.hostile ?? base.valid;
    if (r.hostile) tags.push(r.hostile.tag);
    let query = base.queryPrefix;
    const params: string[] = [];
    if (base.inputInQuery && body) {
      const input = queryInput(body);
      if (input) params.push(input);
    }
    if (r.query) {
      params.push(r.query.text);
      tags.push(r.query.tag);
    }
    if (params.length) query = query ? `${query}&${params.join("&")}` : `?${params.join("&")}`;
    const sent = base.inputInQuery ? undefined : body;

    const ct: ContentTypeChoice = r.contentType ?? { kind: "default" };
    if (ct.kind !== "default") tags.push(ct.kind === "none" ? "ct:none" : `ct:${ct.jsonish ? "json-variant" : "other"}`);
    const fr: Framing = r.framing ?? { kind: "length" };
    if (fr.kind !== "length") tags.push(`framing:${fr.kind}`);

    const hs: HeaderMutation[] = [...(r.crossSite ?? []), ...[r.acceptLanguage, r.authorization, r.cookie].filter((h) => h !== undefined), ...(r.headers ?? [])];
    for (const h of hs) tags.push(h.kind === "raw" ? h.tag : h.kind === "origin" ? `hdr:origin-${h.origin}` : h.kind === "sec-fetch-site" ? `hdr:sec-fetch-site=${h.value.slice(0, 12)}` : `hdr:${h.kind}`);

    const spec: CaseSpec = {
      surface: base.surface,
      label: base.label,
      method: method.method,
      path,
      query,
      cleanPath: r.pathMutations === undefined,
      cleanQuery: r.query === undefined,
      body: sent?.bytes ?? "",
      bodyIsJson: sent ? sent.isJson : false,
      contentType: ct,
      framing: fr,
      headers: hs,
      trpc: base.trpc,
      tags,
    };
    return spec;
  });
