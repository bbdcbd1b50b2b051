/**
 * Header mutations: Content-Type, framing (Content-Length / Transfer-Encoding), Origin and Sec-Fetch-Site,
 * Accept-Language, Authorization, Cookie and a mixed bag of other headers (huge, many, high and control bytes,
 * Expect, Upgrade, Host, X-Forwarded-*, Next's internal headers).
 */
import fc from "fast-check";
import { utf8 } from "./bytes";
import type { ContentTypeChoice, Framing, HeaderMutation, OriginChoice } from "./model";

const highBytes = fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => Buffer.from(a.map((b) => 0x80 | b)).toString("latin1"));
const printable = fc.stringMatching(/^[ -~]{0,60}$/);

/** A Content-Type other than `application/json`. */
export const contentType: fc.Arbitrary<ContentTypeChoice> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ kind: "none" as const }) },
  {
    weight: 20,
    arbitrary: fc
      .constantFrom(
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
      )
      .map((c) => ({ kind: "value" as const, ...c })),
  },
  { weight: 4, arbitrary: fc.oneof(printable, highBytes).map((value) => ({ kind: "value" as const, value, jsonish: false })) },
);

/** Any framing but a plain, correct Content-Length. */
export const framing: fc.Arbitrary<Framing> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .record({ pieces: fc.integer({ min: 1, max: 6 }), upper: fc.boolean(), extension: fc.boolean(), trailer: fc.boolean() })
      .map((r) => ({ kind: "chunked" as const, ...r })),
  },
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 6, arbitrary: fc.constant({ kind: "length-short" as const }) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(fc.integer({ min: 1, max: 2_000 }), fc.integer({ min: 70_000, max: 1e9 }))
      .map((extra) => ({ kind: "length-long" as const, extra })),
  },
  {
    weight: 12,
    arbitrary: fc
      .constantFrom("-1", "abc", "1.5", "0x10", "+5", " ", "", "1 2", "99999999999999999999999", "1e3", utf8("٣"), "18446744073709551616", "00")
      .map((value) => ({ kind: "length-garbage" as const, value })),
  },
  { weight: 6, arbitrary: fc.boolean().map((same) => ({ kind: "length-dup" as const, same })) },
  { weight: 6, arbitrary: fc.constant({ kind: "te+cl" as const }) },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom("gzip, chunked", "chunked, gzip", "identity", "CHUNKED", "chunked ", "x-custom", "chunked, chunked")
      .map((value) => ({ kind: "te-odd" as const, value })),
  },
  {
    weight: 6,
    arbitrary: fc
      .constantFrom("bad-hex" as const, "negative" as const, "overrun" as const)
      .map((variant) => ({ kind: "chunked-bad" as const, variant })),
  },
);

const origin: fc.Arbitrary<HeaderMutation> = fc
  .tuple(
    fc.constantFrom<OriginChoice>("same", "same", "evil", "null", "other-port", "https", "garbage", "upper", "slash"),
    fc.oneof(printable, highBytes),
  )
  .map(([o, garbage]) => ({ kind: "origin", origin: o, garbage }));

const secFetchSite: fc.Arbitrary<HeaderMutation> = fc
  .oneof(fc.constantFrom("same-origin", "same-site", "cross-site", "none"), fc.constantFrom("CROSS-SITE", "cross-site, same-origin", ""), printable)
  .map((value) => ({ kind: "sec-fetch-site", value }));

function raw(name: string, value: fc.Arbitrary<string>, tag: string): fc.Arbitrary<HeaderMutation> {
  return value.map((v) => ({ kind: "raw", name, value: v, tag }));
}

export const acceptLanguage = raw(
  "Accept-Language",
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom("en", "zh-CN", "*", "en;q=abc", "q=1.0", ",,,", "en-US,en;q=0.9,zh;q=0.8", "xx-YY", "-", "en;q=2", ";") },
    { weight: 2, arbitrary: printable },
    { weight: 2, arbitrary: highBytes },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 8_000 }).map((n) => "en,".repeat(n / 3)) },
  ),
  "hdr:accept-language",
);

export const authorization = raw(
  "Authorization",
  fc.oneof(
    { weight: 5, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{10,64}$/).map((t) => `Bearer ${t}`) },
    { weight: 2, arbitrary: highBytes.map((t) => `Bearer ${t}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom("Bearer", "Bearer ", "Bearer  x y", "bearer abc", "Basic ZGVtbzpkZW1v", "Basic !!!", "", "Token abc", "Bearer %00"),
    },
    { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 15_000 }).map((n) => `Bearer ${"A".repeat(n)}`) },
  ),
  "hdr:authorization",
);

export const cookie = raw(
  "Cookie",
  fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).map((t) => `rekey_session=${t}`) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        "rekey_locale=xx",
        "rekey_locale=en",
        "a=%",
        "=;=;",
        ";;;",
        "rekey_session=",
        "rekey_session=%E0%A4%A",
        "__Host-rekey_session=x; rekey_session=y",
        'a="unterminated',
      ),
    },
    { weight: 2, arbitrary: printable },
    { weight: 2, arbitrary: highBytes },
    { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 15_000 }).map((n) => `a=${"b".repeat(n)}`) },
  ),
  "hdr:cookie",
);

export const otherHeaders: fc.Arbitrary<HeaderMutation> = fc.oneof(
  fc.constant({ kind: "drop-connection-close" as const }),
  fc
    .tuple(fc.constantFrom("User-Agent", "X-Custom", "Referer", "Accept", "Accept-Encoding", "If-None-Match", "Range"), highBytes)
    .map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:high-bytes" })),
  fc
    .tuple(
      fc.constantFrom("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "Forwarded", "X-Forwarded-Port"),
      fc.oneof(printable, fc.constantFrom("", "::1", "1.2.3.4, evil", "https", "evil.example", "[::", "999999")),
    )
    .map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:forwarded" })),
  fc.integer({ min: 16 * 1024, max: 64 * 1024 }).map((n) => ({ kind: "raw" as const, name: "X-Huge", value: "h".repeat(n), tag: "hdr:huge-value" })),
  fc.record({ count: fc.integer({ min: 20, max: 400 }), valueLength: fc.integer({ min: 1, max: 60 }) }).map((r) => ({ kind: "many" as const, ...r })),
  fc
    .tuple(fc.constantFrom("X-Custom", "Accept", "User-Agent"), fc.constantFrom("\u0000", "\u0001", "\u007f", "\u001b", "a\u0000b"))
    .map(([name, value]) => ({ kind: "raw" as const, name, value, tag: "hdr:control-byte" })),
  fc
    .oneof(printable, highBytes, fc.constantFrom("", "localhost:99999", "evil.example", "[::1", "a b", "localhost:abc"))
    .map((value) => ({ kind: "host" as const, value })),
  fc.constantFrom("100-continue", "garbage", "").map((value) => ({ kind: "raw" as const, name: "Expect", value, tag: "hdr:expect" })),
  fc
    .constantFrom(
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
    )
    .map((h) => ({ kind: "raw" as const, ...h })),
);

export const crossSiteHeaders: fc.Arbitrary<HeaderMutation[]> = fc.oneof(
  origin.map((o) => [o]),
  secFetchSite.map((h) => [h]),
  fc.tuple(origin, secFetchSite).map(([o, h]) => [o, h]),
);
