import { render } from "@react-email/render";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { renderEmail } from "../render";
import { PasswordChangedEmail, type PasswordChangedEmailProps } from "./password-changed";

const resetUrl = "https://rekey.example.com/forgot-password";
const secureUrl = "https://rekey.example.com/secure-account?token=SecureTok_123";
const base: PasswordChangedEmailProps = {
  appName: "Acme ID",
  username: "bob",
  changedAt: "2026-11-02 14:03:27 (Asia/Shanghai)",
  ip: "203.0.113.42",
  userAgent: "Mozilla/5.0 TestBrowser/9",
  resetUrl,
  secureUrl,
};

describe("PasswordChangedEmail", () => {
  it.each([
    ["zh-CN", "您的 Acme ID 密码已修改", "bob，您好", "这不是我，保护账号", "在找回密码页面设置新密码"],
    ["en", "Your Acme ID password was changed", "Hi bob,", "secure my account", "choose a new password on the forgot-password page"],
  ] as const)("renders %s: subject, when, where, and the 'this wasn't me' link", async (locale, subject, greeting, act, support) => {
    const email = await renderEmail({ kind: "password_changed", props: { ...base, locale } });
    expect(email.subject).toBe(subject);
    for (const url of [secureUrl, resetUrl]) {
      expect(email.html).toContain(`href="${url}"`);
      expect(email.text).toContain(url);
    }
    for (const body of [email.html, email.text]) {
      expect(body).toContain(greeting);
      expect(body).toContain(base.changedAt);
      expect(body).toContain("203.0.113.42");
      expect(body).toContain("Mozilla/5.0 TestBrowser/9");
      expect(body).toContain(act);
      expect(body).toContain(support);
    }
  });

  it("shows 'unknown' for a missing IP or browser", async () => {
    const email = await renderEmail({
      kind: "password_changed",
      props: { ...base, ip: null, userAgent: "", locale: "en" },
    });
    expect(email.text).toMatch(/IP address: unknown/);
    expect(email.text).toMatch(/Browser: unknown/);
  });

  it("tells the owner every device was signed out", async () => {
    const email = await renderEmail({ kind: "password_changed", props: { ...base, locale: "en" } });
    expect(email.text).toContain("every signed-in device was signed out");
  });

  it("escapes hostile values in the HTML", async () => {
    const email = await renderEmail({
      kind: "password_changed",
      props: { ...base, username: "<script>alert(1)</script>", userAgent: '"><img src=x onerror=alert(1)>' },
    });
    expect(email.html).not.toContain("<script");
    expect(email.html).not.toMatch(/<img\b/i);
    expect(email.html).toContain("&lt;script&gt;");
  });

  it("renders its PreviewProps", async () => {
    const html = await render(createElement(PasswordChangedEmail, PasswordChangedEmail.PreviewProps));
    expect(html).toContain(PasswordChangedEmail.PreviewProps.resetUrl);
    expect(html).toContain("203.0.113.42");
  });
});
