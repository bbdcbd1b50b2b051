import { describe, expect, it } from "vitest";
import { signInInput, signUpInput, requestPasswordResetInput } from "./auth";
import { issueMessage } from "./errors";
import type { Locale } from "./locale";

function messages(result: { success: boolean; error?: { issues: readonly object[] } }, locale: Locale) {
  return (result.error?.issues ?? []).map((issue) => issueMessage(issue, locale));
}

describe("issue messages", () => {
  it("words every issue of the REST inputs in the answer's language, never in zod's English", () => {
    const cases = [
      requestPasswordResetInput.safeParse({}),
      requestPasswordResetInput.safeParse({ email: 5 }),
      requestPasswordResetInput.safeParse({ email: "not-an-email" }),
      requestPasswordResetInput.safeParse(null),
      signUpInput.safeParse({ email: "a@example.com", username: "a b", password: "x" }),
      signUpInput.safeParse({ email: "a@example.com", username: "ab", password: "x" }),
      signInInput.safeParse({ account: "", password: "x" }),
      signInInput.safeParse({ account: "a\u0000b", password: "x" }),
    ];
    const zh = cases.flatMap((result) => messages(result, "zh-CN"));
    const en = cases.flatMap((result) => messages(result, "en"));
    expect(zh).toEqual([
      "缺少此字段",
      "应为字符串",
      "邮箱格式不正确",
      "请求体应为 JSON 对象",
      "只能包含字母、数字、_ . -",
      "至少 3 个字符",
      "不能为空",
      "不能包含控制字符",
    ]);
    expect(en).toEqual([
      "This field is required",
      "Must be a string",
      "Not a valid email address",
      "The body must be a JSON object",
      "Letters, digits, '_', '.' and '-' only",
      "Must be at least 3 characters",
      "Must not be empty",
      "Control characters are not allowed",
    ]);
  });

  it("words custom issues by the key they name, or by their known English message", () => {
    expect(issueMessage({ code: "custom", path: ["token"], params: { issue: "tokenOrCode" } }, "zh-CN")).toBe("须提供 token，或同时提供邮箱和验证码");
    expect(issueMessage({ code: "custom", path: ["code"], message: "code is required with email" }, "en")).toBe("A code is required with the email");
    expect(issueMessage({ code: "custom", path: ["x"], message: "something new" }, "zh-CN")).toBe("取值无效");
    expect(issueMessage({ code: "custom", path: ["x"], message: "toString" }, "zh-CN")).toBe("取值无效");
  });

  it("has a plain fallback for anything else, whatever the field is called", () => {
    expect(issueMessage({ code: "invalid_union", path: ["x"] }, "zh-CN")).toBe("取值无效");
    expect(issueMessage({ code: "invalid_format", format: "regex", path: ["constructor"] }, "en")).toBe("Invalid format");
    expect(issueMessage({ code: "too_big", origin: "string", maximum: 254, path: ["email"] }, "zh-CN")).toBe("最多 254 个字符");
  });
});
