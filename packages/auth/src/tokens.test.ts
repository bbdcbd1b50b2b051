import { describe, expect, it } from "vitest";
import { deriveResetToken, isWellFormedToken, randomToken, sha256Hex } from "./tokens";

const SECRET = "s".repeat(48);
const OUTBOX_ID = "0b6f1c3e-8a52-4d7e-9f10-2c4b5a6d7e8f";
const OTHER_ID = "0b6f1c3e-8a52-4d7e-9f10-2c4b5a6d7e90";

/** A token as it travels: in a link in an email, then read back from the URL by the page. */
function throughLink(token: string): string | null {
  return new URL(`https://rekey.example/reset-password?token=${token}`).searchParams.get("token");
}

describe.each([
  ["a session token", () => randomToken()],
  ["a reset link's token", () => deriveResetToken(SECRET, OUTBOX_ID)],
])("%s", (_label, make) => {
  it("survives a URL, an HTTP header and a cookie unchanged, and is recognised when it comes back", () => {
    const token = make();
    expect(throughLink(token)).toBe(token);
    expect(new Headers({ authorization: `Bearer ${token}` }).get("authorization")).toBe(`Bearer ${token}`);
    expect(encodeURIComponent(token)).toBe(token);
    expect(isWellFormedToken(token)).toBe(true);
  });

  it("is refused without a lookup once a mail client or a person has mangled it", () => {
    const token = make();
    const mangled = [
      token.slice(0, -1), // cut short at a line break
      `${token}=`, // padding added by a base64 decoder round trip
      ` ${token}`, // pasted with a space
      `${token}\n`,
      token.replaceAll(/[-_]/g, "+").replace(/^./, "+"), // "URL-safe" characters rewritten
      `${token}${token}`,
      encodeURI(`${token}é`),
    ];
    for (const value of mangled) expect(isWellFormedToken(value), JSON.stringify(value)).toBe(false);
  });

  it("is not recoverable from what the database stores", () => {
    const token = make();
    const stored = sha256Hex(token);
    expect(stored).not.toContain(token);
    // A leaked stored value pasted as a token is refused before any lookup.
    expect(isWellFormedToken(stored)).toBe(false);
  });
});

describe("session tokens", () => {
  it("are never handed out twice", () => {
    const tokens = new Set(Array.from({ length: 5000 }, () => randomToken()));
    expect(tokens.size).toBe(5000);
  });
});

describe("reset link tokens", () => {
  it("a retried email job re-creates exactly the link it already sent", () => {
    expect(deriveResetToken(SECRET, OUTBOX_ID)).toBe(deriveResetToken(SECRET, OUTBOX_ID));
  });

  it("each request gets its own link", () => {
    expect(deriveResetToken(SECRET, OTHER_ID)).not.toBe(deriveResetToken(SECRET, OUTBOX_ID));
  });

  it("without AUTH_SECRET nobody can compute a link, and the link reveals neither the secret nor the request", () => {
    const token = deriveResetToken(SECRET, OUTBOX_ID);
    expect(deriveResetToken("t".repeat(48), OUTBOX_ID)).not.toBe(token);
    expect(deriveResetToken(`${SECRET} `, OUTBOX_ID)).not.toBe(token);
    expect(token).not.toContain(SECRET.slice(0, 8));
    expect(token).not.toContain(OUTBOX_ID.slice(0, 8));
  });
});
