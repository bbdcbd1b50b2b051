import { describe, expect, it } from "vitest";
import { deriveResetToken, isWellFormedToken, randomToken, sha256Hex } from "./tokens";

const SECRET = "s".repeat(48);
const OTHER_SECRET = "t".repeat(48);
const OUTBOX_ID = "0b6f1c3e-8a52-4d7e-9f10-2c4b5a6d7e8f";

describe("randomToken", () => {
  it("is 43 URL-safe characters carrying 256 random bits", () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(isWellFormedToken(token)).toBe(true);
  });

  it("never repeats", () => {
    const tokens = new Set(Array.from({ length: 2000 }, () => randomToken()));
    expect(tokens.size).toBe(2000);
  });

  it("uses the whole alphabet, not a biased subset", () => {
    const seen = new Set(Array.from({ length: 200 }, () => randomToken()).join(""));
    // 64 symbols; 200 tokens (8600 characters) miss one with negligible probability.
    expect(seen.size).toBe(64);
  });
});

describe("deriveResetToken", () => {
  it("is deterministic for one outbox row and secret", () => {
    expect(deriveResetToken(SECRET, OUTBOX_ID)).toBe(deriveResetToken(SECRET, OUTBOX_ID));
  });

  it("has the shape and size of every other token (256 bits)", () => {
    const token = deriveResetToken(SECRET, OUTBOX_ID);
    expect(isWellFormedToken(token)).toBe(true);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
  });

  it("differs per outbox row", () => {
    const other = "0b6f1c3e-8a52-4d7e-9f10-2c4b5a6d7e90";
    expect(deriveResetToken(SECRET, other)).not.toBe(deriveResetToken(SECRET, OUTBOX_ID));
  });

  it("differs per secret, so a database copy without AUTH_SECRET cannot recreate links", () => {
    expect(deriveResetToken(OTHER_SECRET, OUTBOX_ID)).not.toBe(deriveResetToken(SECRET, OUTBOX_ID));
  });

  it("reveals neither the secret nor the outbox id", () => {
    const token = deriveResetToken(SECRET, OUTBOX_ID);
    expect(token).not.toContain(SECRET.slice(0, 8));
    expect(token).not.toContain(OUTBOX_ID.slice(0, 8));
  });
});

describe("isWellFormedToken", () => {
  it.each([
    ["empty", ""],
    ["too short", "a".repeat(42)],
    ["too long", "a".repeat(44)],
    ["standard base64 '+'", `${"a".repeat(42)}+`],
    ["standard base64 '/'", `${"a".repeat(42)}/`],
    ["padding", `${"a".repeat(42)}=`],
    ["surrounding space", ` ${"a".repeat(43)}`],
    ["a newline", `${"a".repeat(43)}\n`],
    ["non-ASCII", `${"a".repeat(42)}é`],
  ])("refuses %s", (_label, value) => {
    expect(isWellFormedToken(value)).toBe(false);
  });
});

describe("sha256Hex", () => {
  it("matches the FIPS 180-2 test vector", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("is what gets stored: it does not contain the token", () => {
    const token = randomToken();
    const digest = sha256Hex(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(token);
  });
});
