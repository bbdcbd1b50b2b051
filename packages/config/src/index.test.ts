import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, RATE_LIMIT_DEFAULTS } from "./index";

const SECRET = "an-auth-secret-of-at-least-32-characters!";

/** The message start-up would stop with, or a failure if the configuration was accepted. */
const FROM = "Rekey <no-reply@example.com>";

function rejection(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe("loadConfig defaults (CONTRACT §5)", () => {
  it("runs with nothing set, as the embedded default", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      embedded: true,
      appName: "Rekey",
      appUrl: "http://localhost:3000",
      port: 3000,
      authSecret: undefined,
      timezone: "Asia/Shanghai",
      resetTtlSeconds: 600,
      passwordMinLength: 6,
      revealUnknownEmail: false,
      captcha: "adaptive",
      trustProxy: 0,
      inngest: { enabled: false },
    });
    expect(config.rateLimits).toEqual({ enabled: true, rules: RATE_LIMIT_DEFAULTS });
    expect(config.email).toMatchObject({ transport: "mailbox", mailboxPage: true });
  });

  it("limits reset requests to 10 per IP and 3 per address, per 15 minutes, by default", () => {
    const { rules } = loadConfig({}).rateLimits;
    expect(rules.reset_ip).toEqual({ max: 10, windowSeconds: 900 });
    expect(rules.reset_email).toEqual({ max: 3, windowSeconds: 900 });
  });

  it("limits failed sign-ins to 10 per account and IP, 30 per IP and 5 per account (then a captcha), per 15 minutes", () => {
    const { rules } = loadConfig({}).rateLimits;
    expect(rules.signin_account_ip).toEqual({ max: 10, windowSeconds: 900 });
    expect(rules.signin_ip).toEqual({ max: 30, windowSeconds: 900 });
    expect(rules.signin_account).toEqual({ max: 5, windowSeconds: 900 });
  });

  it("carries where the code lives (set by the server) and nothing when unset", () => {
    expect(loadConfig({}).paths).toEqual({ migrationsDir: undefined, deliveryThread: undefined, pgliteInit: undefined });
    const config = loadConfig({
      REKEY_MIGRATIONS_DIR: "/srv/rekey/drizzle",
      REKEY_DELIVERY_THREAD: "/srv/rekey/thread.mjs",
      REKEY_PGLITE_INIT: "/srv/rekey/pglite-init.mjs",
    });
    expect(config.paths).toEqual({
      migrationsDir: "/srv/rekey/drizzle",
      deliveryThread: "/srv/rekey/thread.mjs",
      pgliteInit: "/srv/rekey/pglite-init.mjs",
    });
  });

  it("reads the values it is given", () => {
    const config = loadConfig({
      PORT: "8080",
      APP_NAME: "Acme ID",
      APP_URL: "https://id.acme.test/",
      APP_TIMEZONE: "UTC",
      PASSWORD_RESET_TTL_SECONDS: "1800",
      PASSWORD_MIN_LENGTH: "10",
      PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL: "1",
      CAPTCHA: "off",
      TRUST_PROXY: "2",
    });
    expect(config).toMatchObject({
      port: 8080,
      appName: "Acme ID",
      appUrl: "https://id.acme.test",
      timezone: "UTC",
      resetTtlSeconds: 1800,
      passwordMinLength: 10,
      revealUnknownEmail: true,
      captcha: "off",
      trustProxy: 2,
    });
  });
});

describe("a bad value stops start-up and names the variable", () => {
  it.each([
    ["PORT", { PORT: "abc" }],
    ["PORT", { PORT: "70000" }],
    ["APP_TIMEZONE", { APP_TIMEZONE: "Mars/Base" }],
    ["RATE_LIMITS", { RATE_LIMITS: "bogus" }],
    ["APP_URL", { APP_URL: "ftp://example.com" }],
    ["PASSWORD_RESET_TTL_SECONDS", { PASSWORD_RESET_TTL_SECONDS: "10" }],
    ["PASSWORD_MIN_LENGTH", { PASSWORD_MIN_LENGTH: "4" }],
    ["PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL", { PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL: "yes" }],
    ["CAPTCHA", { CAPTCHA: "sometimes" }],
    ["TRUST_PROXY", { TRUST_PROXY: "-1" }],
    ["DATABASE_URL", { DATABASE_URL: "mysql://localhost/db", AUTH_SECRET: SECRET }],
    ["HOST", { HOST: "not a host!" }],
  ])("%s", (variable, env) => {
    expect(rejection(env)).toMatch(new RegExp(`^\\s*${variable}:`, "m"));
  });

  it("quotes the offending RATE_LIMITS entry and shows the expected syntax", () => {
    const message = rejection({ RATE_LIMITS: "on,bogus" });
    expect(message).toContain('"bogus"');
    expect(message).toContain("NAME=MAX/WINDOW");
  });

  it("names every bad variable at once", () => {
    const message = rejection({ PORT: "abc", APP_TIMEZONE: "Mars/Base" });
    expect(message).toMatch(/^\s*PORT:/m);
    expect(message).toMatch(/^\s*APP_TIMEZONE:/m);
  });
});

describe("AUTH_SECRET", () => {
  it("is required with DATABASE_URL", () => {
    const message = rejection({ DATABASE_URL: "postgres://db.internal/rekey" });
    expect(message).toMatch(/^\s*AUTH_SECRET: is required when DATABASE_URL is set/m);
  });

  it("must be at least 32 characters", () => {
    expect(rejection({ DATABASE_URL: "postgres://db.internal/rekey", AUTH_SECRET: "short" })).toMatch(/^\s*AUTH_SECRET:/m);
  });

  it("with DATABASE_URL makes a non-embedded configuration", () => {
    const config = loadConfig({ DATABASE_URL: "postgresql://db.internal/rekey", AUTH_SECRET: SECRET, RESEND_API_KEY: "re_1", EMAIL_FROM: FROM });
    expect(config).toMatchObject({ embedded: false, authSecret: SECRET, databaseUrl: "postgresql://db.internal/rekey" });
    expect(config.email).toMatchObject({ transport: "resend", mailboxPage: false, from: FROM });
  });

  it("an explicit EMAIL_TRANSPORT=mailbox serves the mailbox page with a real database", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://db.internal/rekey", AUTH_SECRET: SECRET, EMAIL_TRANSPORT: "mailbox" });
    expect(config.email.mailboxPage).toBe(true);
  });

  it("an empty value counts as unset", () => {
    expect(rejection({ DATABASE_URL: "postgres://db.internal/rekey", AUTH_SECRET: "" })).toMatch(/^\s*AUTH_SECRET:/m);
  });
});

describe("RATE_LIMITS", () => {
  it("parses overrides and keeps the defaults of the others", () => {
    const { enabled, rules } = loadConfig({ RATE_LIMITS: "reset_ip=20/15m,token_ip=120/1m,signin_account=3/1h, reset_email=1/30s" }).rateLimits;
    expect(enabled).toBe(true);
    expect(rules.reset_ip).toEqual({ max: 20, windowSeconds: 900 });
    expect(rules.token_ip).toEqual({ max: 120, windowSeconds: 60 });
    expect(rules.signin_account).toEqual({ max: 3, windowSeconds: 3600 });
    expect(rules.reset_email).toEqual({ max: 1, windowSeconds: 30 });
    expect(rules.signup_ip).toEqual(RATE_LIMIT_DEFAULTS.signup_ip);
  });

  it("tells the sign-in limits apart although one name is the start of another", () => {
    const { rules } = loadConfig({ RATE_LIMITS: "signin_account_ip=4/10m,signin_ip=50/1h" }).rateLimits;
    expect(rules.signin_account_ip).toEqual({ max: 4, windowSeconds: 600 });
    expect(rules.signin_ip).toEqual({ max: 50, windowSeconds: 3600 });
    expect(rules.signin_account).toEqual(RATE_LIMIT_DEFAULTS.signin_account);
  });

  it("off disables every limiter, with or without overrides", () => {
    expect(loadConfig({ RATE_LIMITS: "off" }).rateLimits.enabled).toBe(false);
    const mixed = loadConfig({ RATE_LIMITS: "off,reset_ip=5/1m" }).rateLimits;
    expect(mixed.enabled).toBe(false);
    expect(mixed.rules.reset_ip).toEqual({ max: 5, windowSeconds: 60 });
  });

  it("does not change the shared defaults when overridden", () => {
    loadConfig({ RATE_LIMITS: "reset_ip=1/1s" });
    expect(loadConfig({}).rateLimits.rules.reset_ip).toEqual({ max: 10, windowSeconds: 900 });
  });

  it.each(["nope=1/1m", "reset_ip=0/1m", "reset_ip=5/0m", "reset_ip=5", "reset_ip=5/1d", "reset_ip=-1/1m"])("refuses %s", (value) => {
    const message = rejection({ RATE_LIMITS: value });
    expect(message).toMatch(/^\s*RATE_LIMITS:/m);
    expect(message).toContain(`"${value}"`);
  });
});

describe("email and Inngest modes", () => {
  it("RESEND_API_KEY selects Resend; EMAIL_TRANSPORT=resend without it is refused", () => {
    expect(loadConfig({ RESEND_API_KEY: "re_123", EMAIL_FROM: FROM }).email.transport).toBe("resend");
    expect(rejection({ EMAIL_TRANSPORT: "resend", EMAIL_FROM: FROM })).toMatch(/^\s*RESEND_API_KEY:/m);
  });

  it("with a real database and no transport chosen, start-up stops instead of keeping mail where nobody reads it", () => {
    const message = rejection({ DATABASE_URL: "postgres://db.internal/rekey", AUTH_SECRET: SECRET });
    expect(message).toMatch(/^\s*EMAIL_TRANSPORT: no email transport chosen although DATABASE_URL is set/m);
    expect(message).toContain("RESEND_API_KEY");
  });

  it("Resend needs EMAIL_FROM: no sender on a domain Resend would never verify", () => {
    expect(rejection({ RESEND_API_KEY: "re_123" })).toMatch(/^\s*EMAIL_FROM: is required with Resend/m);
    expect(rejection({ DATABASE_URL: "postgres://db/rekey", AUTH_SECRET: SECRET, RESEND_API_KEY: "re_1" })).toMatch(/^\s*EMAIL_FROM:/m);
    expect(loadConfig({}).email.from).toMatch(/rekey\.local/);
  });

  it("shows the bad value, but never a secret's", () => {
    expect(rejection({ APP_URL: "ftp://example.com" })).toMatch(/APP_URL: .*\(got "ftp:\/\/example\.com"\)/);
    expect(rejection({ PORT: "abc" })).toContain('(got "abc")');
    const secret = rejection({ DATABASE_URL: "postgres://db/rekey", AUTH_SECRET: "tooshort-secret-value" });
    expect(secret).toMatch(/^\s*AUTH_SECRET:/m);
    expect(secret).not.toContain("tooshort-secret-value");
    expect(rejection({ DATABASE_URL: "mysql://user:pw@db/x", AUTH_SECRET: SECRET })).not.toContain("pw@db");
  });

  it.each(["INNGEST_EVENT_KEY", "INNGEST_DEV", "INNGEST_BASE_URL"])("%s turns Inngest mode on", (variable) => {
    expect(loadConfig({ [variable]: "1" }).inngest.enabled).toBe(true);
  });
});

describe("HOST and APP_URL (CONTRACT §5, §6)", () => {
  it("listens on loopback while mail goes to the local mailbox, on every interface with Resend", () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ DATABASE_URL: "postgres://db/rekey", AUTH_SECRET: SECRET, EMAIL_TRANSPORT: "mailbox" }).host).toBe("127.0.0.1");
    expect(loadConfig({ RESEND_API_KEY: "re_123", EMAIL_FROM: FROM }).host).toBe("0.0.0.0");
  });

  it("takes HOST as given, with or without brackets around an IPv6 address", () => {
    expect(loadConfig({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadConfig({ HOST: "[::]" }).host).toBe("::");
    expect(loadConfig({ RESEND_API_KEY: "re_123", EMAIL_FROM: FROM, HOST: "10.0.0.5" }).host).toBe("10.0.0.5");
  });

  it("defaults APP_URL to the port actually served, so links and same-origin checks match it", () => {
    expect(loadConfig({ PORT: "3300" }).appUrl).toBe("http://localhost:3300");
    expect(loadConfig({ PORT: "3300", APP_URL: "https://auth.example.com/" }).appUrl).toBe("https://auth.example.com");
  });
});
