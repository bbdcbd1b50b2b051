import { describe, expect, it } from "vitest";
import { maskEmail } from "./mask";

describe("maskEmail", () => {
  it("keeps the first character of the local part, then ***, then @domain (the seed's example)", () => {
    expect(maskEmail("user@example.com")).toBe("u***@example.com");
  });

  it.each([
    ["a one-character local part", "a@example.com", "a***@example.com"],
    ["a long local part", "victoria.longname+tag@example.com", "v***@example.com"],
    ["a subdomain", "bob@mail.example.co.uk", "b***@mail.example.co.uk"],
    ["digits", "42@example.com", "4***@example.com"],
    ["a quoted local part holding an @", '"a@b"@example.com', '"***@example.com'],
    ["an astral first character (not half a surrogate pair)", "😀smile@example.com", "😀***@example.com"],
    ["an IDN domain", "zoë@bücher.example", "z***@bücher.example"],
  ])("handles %s", (_label, email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it.each([
    ["no @ at all", "not-an-email"],
    ["an empty local part", "@example.com"],
    ["an empty string", ""],
  ])("reveals nothing for %s", (_label, value) => {
    expect(maskEmail(value)).toBe("***");
  });

  it("never shows more of the local part than its first character", () => {
    const masked = maskEmail("secretname@example.com");
    expect(masked).not.toMatch(/ecret|name/);
    expect(masked.length).toBe("s***@example.com".length);
  });
});
