/**
 * Bodies: a JSON body, hostile values for one field, and the hostile bodies made from a valid input (one field
 * mutated, extra fields, nesting, sizes around the limits, broken JSON, invalid UTF-8…). Byte strings throughout.
 */
import fc from "fast-check";
import { bytes, utf8 } from "./bytes";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

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
    .tuple(
      fc.string({ maxLength: 8 }),
      fc.constantFrom("\u0000", "\u0001", "\u001f", "\u007f", "\n", "\r\n", "\t", "\u2028", "\u2029", "\ufeff", "\u0085"),
    )
    .map(([s, c]) => ({ value: `${s}${c}${s}`, tag: "control-chars" })),
  fc.constantFrom("\ud800", "\udfff", "a\ud800b", "\ud83d", "\ude00\ud83d", "x@\udbff.com").map((value) => ({ value, tag: "lone-surrogate" })),
  fc.constantFrom("😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "a😀@example.com", "😀".repeat(300)).map((value) => ({ value, tag: "emoji" })),
  fc
    .constantFrom("\u202edemo@example.com", "مرحبا@example.com", "שלום", "\u200f\u200e", "demo@exa\u202emple.com")
    .map((value) => ({ value, tag: "rtl" })),
  fc
    .constantFrom("123", "1e309", "-0", "0x10", "NaN", "Infinity", "00000001", "12345678", "true", "null")
    .map((value) => ({ value, tag: "number-as-string" })),
  fc.string({ unit: "binary", maxLength: 40 }).map((value) => ({ value, tag: "unicode" })),
  fc.constantFrom("", " ", "\u3000", "\u00a0", "\u200b").map((value) => ({ value, tag: "blank" })),
  fc
    .constantFrom(
      "ｄｅｍｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
      "e\u0301@example.com",
      "DEMO@EXAMPLE.COM",
      "demo@example.com\u0000",
      "<script>alert(1)</script>",
      "' OR 1=1 --",
      "${jndi:x}",
      "../../etc/passwd",
    )
    .map((value) => ({ value, tag: "tricky-string" })),
);

// ---------------------------------------------------------------------------------------------------------------
// Bodies

export interface Body {
  /** Byte string. */
  bytes: string;
  isJson: boolean;
  tag: string;
}

export function jsonBody(value: Json, tag: string): Body {
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
  '{"a"}',
  '{"a":}',
  "\u0000",
  "undefined",
];

const INVALID_UTF8 = [
  bytes(0xff),
  bytes(0xc3, 0x28),
  bytes(0xe0, 0x80, 0x80),
  bytes(0xed, 0xa0, 0x80),
  bytes(0xf8, 0x88, 0x80, 0x80, 0x80),
  bytes(0xc0, 0xaf),
  bytes(0x80),
  bytes(0xf4, 0x90, 0x80, 0x80),
  bytes(0xc3),
];

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
export function hostileBody(valid: fc.Arbitrary<JsonObject>): fc.Arbitrary<Body> {
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
          fc.dictionary(
            fc.oneof(
              fc.string({ maxLength: 12 }),
              fc.constantFrom("__proto__", "constructor", "prototype", "toString", "id", "role", "isAdmin", "email"),
            ),
            fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
            {
              minKeys: 1,
              maxKeys: 6,
            },
          ),
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
      arbitrary: fc.tuple(valid, limitSize, fc.constantFrom("field" as const, "value" as const, "whitespace" as const)).map(([o, size, where]) => ({
        bytes: padded(o, size, where),
        isJson: true,
        tag: `body:size-${size > 32 * 1024 ? "64k" : "16k"}${size > (size > 32 * 1024 ? 65536 : 16384) ? "-over" : "-under"}`,
      })),
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
        fc
          .constantFrom(
            "email=demo%40example.com&password=x",
            '------x\r\nContent-Disposition: form-data; name="email"\r\n\r\ndemo@example.com\r\n------x--\r\n',
            "<xml/>",
          )
          .map((t) => ({
            bytes: t,
            isJson: false,
            tag: "body:non-json-format",
          })),
      ),
    },
  );
}
