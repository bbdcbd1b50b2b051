import { z } from "zod";

export const RATE_LIMIT_DEFAULTS = {
  /** Reset requests per client IP. Past it: 429. */
  reset_ip: { max: 10, windowSeconds: 15 * 60 },
  /** Reset requests per email address. Past it: the same 200, but no email and no token. */
  reset_email: { max: 3, windowSeconds: 15 * 60 },
  /** verify + reset calls per client IP. */
  token_ip: { max: 60, windowSeconds: 60 },
  /** Failed sign-ins per account from one client IP. Past it: 429 for that IP and account only. */
  signin_account_ip: { max: 10, windowSeconds: 15 * 60 },
  /** Failed sign-ins per client IP across all accounts (password spraying). Past it: 429. */
  signin_ip: { max: 30, windowSeconds: 15 * 60 },
  /**
   * Failed sign-ins per account from any IP. Past it a sign-in needs a solved captcha (never a 429, so
   * nobody can lock the owner out); with CAPTCHA=off it has no effect.
   */
  signin_account: { max: 5, windowSeconds: 15 * 60 },
  /** Sign-ups per client IP. */
  signup_ip: { max: 20, windowSeconds: 60 * 60 },
  /** CAPTCHA=adaptive: REST reset requests per IP before a captcha is required. */
  captcha_soft: { max: 3, windowSeconds: 15 * 60 },
} as const;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export interface RateLimitRule {
  max: number;
  windowSeconds: number;
}
export interface RateLimitsConfig {
  enabled: boolean;
  rules: Record<RateLimitName, RateLimitRule>;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/**
 * `RATE_LIMITS`: `on` (default), `off`, or a comma list of `on`/`off` and overrides `name=MAX/WINDOW`
 * with WINDOW like `15m`, `60s` or `1h`, e.g. `reset_ip=20/15m,token_ip=120/1m`.
 */
export function parseRateLimits(raw: string, ctx: z.RefinementCtx): RateLimitsConfig {
  const rules: Record<RateLimitName, RateLimitRule> = { ...RATE_LIMIT_DEFAULTS };
  let enabled = true;
  for (const part of raw
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part === "on" || part === "off") {
      enabled = part === "on";
      continue;
    }
    const match = /^([a-z_]+)=(\d+)\/(\d+)([smh])$/.exec(part);
    const name = match?.[1];
    if (!match || !name || !Object.hasOwn(RATE_LIMIT_DEFAULTS, name)) {
      ctx.addIssue({
        code: "custom",
        message: `"${part}" is not "on", "off" or NAME=MAX/WINDOW with NAME one of ${Object.keys(RATE_LIMIT_DEFAULTS).join(", ")} (e.g. reset_ip=10/15m)`,
      });
      continue;
    }
    const max = Number(match[2]);
    const windowSeconds = Number(match[3]) * UNIT_SECONDS[match[4] as keyof typeof UNIT_SECONDS];
    if (max < 1 || windowSeconds < 1) {
      ctx.addIssue({ code: "custom", message: `"${part}": MAX and WINDOW must be at least 1` });
      continue;
    }
    rules[name as RateLimitName] = { max, windowSeconds };
  }
  return { enabled, rules };
}

const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "not an IANA time zone (e.g. Asia/Shanghai, UTC)" },
);

const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
        .optional(),
    ),
    DATA_DIR: z.string().default(".data"),
    APP_NAME: z.string().min(1).max(64).default("Rekey"),
    // Unset: http://localhost:$PORT (filled in below, once PORT is known).
    APP_URL: optionalString.pipe(
      z
        .url({ protocol: /^https?$/ })
        .transform((v) => v.replace(/\/+$/, ""))
        .optional(),
    ),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    AUTH_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    APP_TIMEZONE: timezone.default("Asia/Shanghai"),
    PASSWORD_RESET_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(600),
    PASSWORD_MIN_LENGTH: z.coerce.number().int().min(6).max(128).default(6),
    PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL: flag.default(false),
    PASSWORD_RESET_NOTIFY_UNKNOWN: flag.default(false),
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(31_536_000)
      .default(30 * 86_400),
    CAPTCHA: z.enum(["off", "adaptive", "always"]).default("adaptive"),
    RATE_LIMITS: z.string().default("on").transform(parseRateLimits),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    EMAIL_TRANSPORT: z.enum(["resend", "mailbox"]).optional(),
    // Required with Resend (a sender on a domain verified there); the local mailbox uses a placeholder.
    EMAIL_FROM: optionalString,
    RESEND_API_KEY: optionalString,
    RESEND_BASE_URL: optionalString.pipe(z.url().optional()),
    INNGEST_EVENT_KEY: optionalString,
    INNGEST_SIGNING_KEY: optionalString,
    INNGEST_DEV: optionalString,
    INNGEST_BASE_URL: optionalString,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    // Where the code lives, set by apps/web/server.mjs (bundling moves the modules that would look it up).
    REKEY_MIGRATIONS_DIR: optionalString,
    REKEY_DELIVERY_THREAD: optionalString,
    REKEY_PGLITE_INIT: optionalString,
    HOST: optionalString.pipe(
      z
        .string()
        .regex(/^(?:[A-Za-z0-9.-]+|\[?[0-9A-Fa-f:.]+\]?)$/, "must be an IP address or a host name (e.g. 127.0.0.1, 0.0.0.0, ::)")
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_URL && !env.AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "is required when DATABASE_URL is set (generate one with: openssl rand -base64 48)",
      });
    }
    if (env.EMAIL_TRANSPORT === "resend" && !env.RESEND_API_KEY) {
      ctx.addIssue({ code: "custom", path: ["RESEND_API_KEY"], message: "is required when EMAIL_TRANSPORT=resend" });
    }
    // A deployment must never drop mail silently: with a real database the transport is chosen explicitly.
    if (env.DATABASE_URL && !env.RESEND_API_KEY && !env.EMAIL_TRANSPORT) {
      ctx.addIssue({
        code: "custom",
        path: ["EMAIL_TRANSPORT"],
        message:
          "no email transport chosen although DATABASE_URL is set: set RESEND_API_KEY and EMAIL_FROM to send through Resend, " +
          "or EMAIL_TRANSPORT=mailbox to keep mail in the database (shown at /dev/mailbox to this machine only)",
      });
    }
    const resend = env.EMAIL_TRANSPORT === "resend" || (!env.EMAIL_TRANSPORT && env.RESEND_API_KEY);
    if (resend && !env.EMAIL_FROM) {
      ctx.addIssue({
        code: "custom",
        path: ["EMAIL_FROM"],
        message: 'is required with Resend: a sender on a domain verified at Resend, e.g. "Rekey <no-reply@example.com>"',
      });
    }
  });

type Env = z.output<typeof envSchema>;

export interface Config {
  env: Env["NODE_ENV"];
  databaseUrl: string | undefined;
  /** True when no DATABASE_URL is set: PGlite under `dataDir`, generated secret, demo account, mailbox page. */
  embedded: boolean;
  dataDir: string;
  appName: string;
  appUrl: string;
  port: number;
  /** Undefined only in the embedded default before the runtime generated and stored one. */
  authSecret: string | undefined;
  timezone: string;
  resetTtlSeconds: number;
  passwordMinLength: number;
  revealUnknownEmail: boolean;
  /** PASSWORD_RESET_NOTIFY_UNKNOWN: a request for an address with no account sends it a short notice (no link, no code). */
  notifyUnknownEmail: boolean;
  sessionTtlSeconds: number;
  captcha: Env["CAPTCHA"];
  rateLimits: RateLimitsConfig;
  trustProxy: number;
  email: {
    transport: "resend" | "mailbox";
    /** The mailbox page is served only in the embedded default or when asked for explicitly. */
    mailboxPage: boolean;
    from: string;
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
  };
  inngest: { enabled: boolean; eventKey?: string; signingKey?: string; dev?: string; baseUrl?: string };
  logLevel: Env["LOG_LEVEL"];
  /**
   * Listen address. Loopback while mail goes to the local mailbox (reset links readable in a page must not
   * be reachable from the network by accident), all interfaces otherwise; `HOST` overrides both.
   */
  host: string;
  /** Set by the server (where the code lives): the SQL migrations, the delivery thread's entry, PGlite's initdb script. */
  paths: { migrationsDir: string | undefined; deliveryThread: string | undefined; pgliteInit: string | undefined };
}

/** The sender shown on mail kept in the local mailbox (never sent anywhere). */
const MAILBOX_FROM = "Rekey <no-reply@rekey.local>";

/** Variables whose values never appear in an error message. */
const SECRET_VARIABLES = new Set(["AUTH_SECRET", "RESEND_API_KEY", "INNGEST_EVENT_KEY", "INNGEST_SIGNING_KEY", "DATABASE_URL"]);

/** The offending value, quoted, for a message an operator can act on; never a secret's. */
function shownValue(variable: string, source: Record<string, string | undefined>): string {
  const value = source[variable];
  if (value === undefined || value === "" || SECRET_VARIABLES.has(variable)) return "";
  const short = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  return ` (got "${short}")`;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Reads and validates configuration. A bad value throws a ConfigError naming every offending variable,
 * so start-up stops with a message an operator can act on.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const variable = issue.path[0] ? String(issue.path[0]) : "configuration";
      return `  ${variable}: ${issue.message}${issue.code === "custom" ? "" : shownValue(variable, source)}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const transport = env.EMAIL_TRANSPORT ?? (env.RESEND_API_KEY ? "resend" : "mailbox");
  const embedded = !env.DATABASE_URL;
  return {
    env: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    embedded,
    dataDir: env.DATA_DIR,
    appName: env.APP_NAME,
    appUrl: env.APP_URL ?? `http://localhost:${env.PORT}`,
    port: env.PORT,
    authSecret: env.AUTH_SECRET,
    timezone: env.APP_TIMEZONE,
    resetTtlSeconds: env.PASSWORD_RESET_TTL_SECONDS,
    passwordMinLength: env.PASSWORD_MIN_LENGTH,
    revealUnknownEmail: env.PASSWORD_RESET_REVEAL_UNKNOWN_EMAIL,
    notifyUnknownEmail: env.PASSWORD_RESET_NOTIFY_UNKNOWN,
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    captcha: env.CAPTCHA,
    rateLimits: env.RATE_LIMITS,
    trustProxy: env.TRUST_PROXY,
    email: {
      transport,
      mailboxPage: transport === "mailbox" && (embedded || env.EMAIL_TRANSPORT === "mailbox"),
      from: env.EMAIL_FROM ?? MAILBOX_FROM,
      resendApiKey: env.RESEND_API_KEY,
      resendBaseUrl: env.RESEND_BASE_URL?.replace(/\/+$/, ""),
    },
    inngest: {
      enabled: Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_DEV || env.INNGEST_BASE_URL),
      eventKey: env.INNGEST_EVENT_KEY,
      signingKey: env.INNGEST_SIGNING_KEY,
      dev: env.INNGEST_DEV,
      baseUrl: env.INNGEST_BASE_URL,
    },
    logLevel: env.LOG_LEVEL,
    host: env.HOST?.replace(/^\[(.*)\]$/, "$1") ?? (transport === "mailbox" ? "127.0.0.1" : "0.0.0.0"),
    paths: { migrationsDir: env.REKEY_MIGRATIONS_DIR, deliveryThread: env.REKEY_DELIVERY_THREAD, pgliteInit: env.REKEY_PGLITE_INIT },
  };
}
