import { describe, expect, it } from "vitest";
import { regexes } from "zod";
import { requestPasswordResetInput } from "./auth";
import { EMAIL_PATTERN, isEmailAddress } from "./email";

describe("the page's email check", () => {
  it("uses zod's email pattern, so the schemas accept what they accepted before", () => {
    expect(EMAIL_PATTERN.source).toBe(regexes.email.source);
  });

  it.each([
    "user@example.com",
    "  User.Name+tag@Example.COM ",
    "o'brien@example.co.uk",
    "a@b.cn",
    "user@localhost",
    "user@@example.com",
    ".user@example.com",
    "user..name@example.com",
    "user@example.c",
    "用户@example.com",
    "",
    `${"a".repeat(243)}@example.com`,
    `${"a".repeat(244)}@example.com`,
  ])("agrees with the request schema on %j", (value) => {
    expect(isEmailAddress(value)).toBe(requestPasswordResetInput.shape.email.safeParse(value).success);
  });
});
