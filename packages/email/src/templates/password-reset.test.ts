import { render } from "@react-email/render";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { renderEmail } from "../render";
import { PasswordResetEmail, type PasswordResetEmailProps } from "./password-reset";

const link = "https://rekey.example.com/reset-password?token=Zm9vYmFy_-token&lang=x";
const base: PasswordResetEmailProps = { appName: "Acme ID", username: "alice", link, code: "0427 1958", expiresInMinutes: 15 };
/** React escapes `&` in attributes and text. */
const htmlLink = link.replace(/&/g, "&amp;");

describe("PasswordResetEmail", () => {
  it.each([
    ["zh-CN", "重置您的 Acme ID 密码", "15 分钟", "alice，您好", "请忽略此邮件，您的密码不会被更改"],
    ["en", "Reset your Acme ID password", "15 minutes", "Hi alice,", "ignore this email; your password stays unchanged"],
  ] as const)("renders %s: subject, link, expiry, username", async (locale, subject, expiry, greeting, ignore) => {
    const email = await renderEmail({ kind: "password_reset", props: { ...base, locale } });
    expect(email.subject).toBe(subject);
    expect(email.html).toContain(`href="${htmlLink}"`);
    // Button and the plain link beneath it: the link appears at least twice in both bodies.
    expect(email.html.split(`href="${htmlLink}"`).length - 1).toBeGreaterThanOrEqual(2);
    expect(email.text.split(link).length - 1).toBeGreaterThanOrEqual(2);
    for (const body of [email.html, email.text]) {
      expect(body).toContain(expiry);
      expect(body).toContain(greeting);
      expect(body).toContain(ignore);
      expect(body).toContain("Acme ID");
    }
    expect(email.html).toContain(`lang="${locale}"`);
  });

  it.each([
    ["zh-CN", "我有验证码"],
    ["en", "I have a code"],
  ] as const)("carries the 8-digit code in %s, in HTML and text, with where to enter it", async (locale, hint) => {
    const email = await renderEmail({ kind: "password_reset", props: { ...base, locale } });
    for (const body of [email.html, email.text]) {
      expect(body).toContain("0427 1958");
      expect(body).toContain(hint);
    }
  });

  it("defaults to zh-CN when no locale is given", async () => {
    const email = await renderEmail({ kind: "password_reset", props: base });
    expect(email.subject).toBe("重置您的 Acme ID 密码");
    expect(email.text).toContain("15 分钟");
  });

  it("escapes a hostile username in the HTML", async () => {
    const username = "<script>alert(1)</script>";
    const email = await renderEmail({ kind: "password_reset", props: { ...base, username, locale: "en" } });
    expect(email.html).not.toContain("<script");
    expect(email.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(email.text).toContain(username);
  });

  it("loads no remote resource and no tracking pixel", async () => {
    const email = await renderEmail({ kind: "password_reset", props: base });
    expect(email.html).not.toMatch(/<img\b/i);
    expect(email.html).not.toMatch(/\bsrc=/i);
    expect(email.html).not.toMatch(/url\(/i);
    // Every link in the email is the reset link.
    const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(new Set(hrefs)).toEqual(new Set([htmlLink]));
  });

  it("renders its PreviewProps", async () => {
    const html = await render(createElement(PasswordResetEmail, PasswordResetEmail.PreviewProps));
    expect(html).toContain(PasswordResetEmail.PreviewProps.link);
    expect(html).toContain("alice");
  });

  it("refuses a non-http link", async () => {
    await expect(renderEmail({ kind: "password_reset", props: { ...base, link: "javascript:alert(1)" } })).rejects.toThrow(TypeError);
    await expect(renderEmail({ kind: "password_reset", props: { ...base, link: "/reset" } })).rejects.toThrow(TypeError);
  });
});

describe("NoAccountEmail (PASSWORD_RESET_NOTIFY_UNKNOWN)", () => {
  it.each([
    ["zh-CN", "此邮箱没有注册 Acme ID 账号"],
    ["en", "no Acme ID account uses it"],
  ] as const)("in %s says the address has no account, with no link and no code", async (locale, says) => {
    const email = await renderEmail({ kind: "no_account", props: { appName: "Acme ID", locale } });
    for (const body of [email.html, email.text]) expect(body).toContain(says);
    expect(email.text).not.toMatch(/https?:\/\/|\d{4} ?\d{4}/);
    expect(email.html).not.toContain("href=");
  });
});
