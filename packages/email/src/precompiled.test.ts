import { describe, expect, it } from "vitest";
import { createEmailRenderer } from "./precompiled";
import { renderEmail, type EmailMessage } from "./render";

const reset = (props: Partial<Extract<EmailMessage, { kind: "password_reset" }>["props"]>): EmailMessage => ({
  kind: "password_reset",
  props: {
    appName: "Acme ID",
    username: "alice",
    link: "https://id.example.com/reset-password?token=abc",
    code: "0123 4567",
    expiresInMinutes: 10,
    ...props,
  },
});
const changed = (props: Partial<Extract<EmailMessage, { kind: "password_changed" }>["props"]>): EmailMessage => ({
  kind: "password_changed",
  props: {
    appName: "Acme ID",
    username: "alice",
    changedAt: "2026-12-02 08:00 (Asia/Shanghai)",
    ip: "203.0.113.7",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
    resetUrl: "https://id.example.com/forgot-password",
    secureUrl: "https://id.example.com/secure-account?token=abc",
    ...props,
  },
});

// Values chosen to break a naive fill: HTML metacharacters, entities, a placeholder look-alike, `$&`
// (a replace() pattern), non-Latin text, empty optional values, odd whitespace.
const messages: EmailMessage[] = [
  reset({}),
  reset({ locale: "en", username: `<b>"O'Brien" & co</b>`, link: "https://id.example.com/r?token=a&b=<c>&d='e'" }),
  reset({ username: "张三 $& $1 rekeyslot0x000000000000", expiresInMinutes: 1 }),
  reset({ username: "&amp; &lt;", link: `https://id.example.com/reset-password?token=${"x".repeat(400)}`, expiresInMinutes: 1440 }),
  reset({ username: "two  spaces" }),
  reset({ username: " leading" }),
  reset({ appName: "Other <App>", locale: "en" }),
  changed({}),
  changed({ locale: "en", ip: "", userAgent: "" }),
  changed({ ip: "2001:db8::1", userAgent: 'curl/8 <script>alert(1)</script> & "q"' }),
  changed({ userAgent: "tab\there" }),
];

describe("precompiled email templates", () => {
  it("render every message byte for byte as a full React render does", async () => {
    const renderer = createEmailRenderer();
    // Twice: the first of a shape compiles, later ones fill the compiled template.
    for (const message of [...messages, ...messages]) {
      expect(await renderer.render(message)).toEqual(await renderEmail(message));
    }
    const stats = renderer.stats();
    // Odd whitespace takes the slow way; everything else, after its shape's first email, is compiled.
    expect(stats.full).toBe(6);
    expect(stats.compiled).toBe(messages.length * 2 - 6);
  });

  it("refuses what renderEmail refuses", async () => {
    const renderer = createEmailRenderer();
    await expect(renderer.render(reset({ link: "javascript:alert(1)" }))).rejects.toThrow(TypeError);
    await expect(renderer.render(reset({ expiresInMinutes: 0 }))).rejects.toThrow(TypeError);
  });

  it("keeps a bounded number of shapes", async () => {
    const renderer = createEmailRenderer({ maxShapes: 2 });
    for (const appName of ["A", "B", "C", "D"]) await renderer.render(reset({ appName }));
    expect(renderer.stats().shapes).toBe(2);
  });
});
