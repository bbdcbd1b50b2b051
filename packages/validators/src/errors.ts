import type { Locale } from "./locale";

/**
 * The one registry of domain error codes. Every layer speaks these codes: services throw them,
 * the tRPC layer maps `trpc`, the REST adapter maps `http`, pages show `zh`/`en`.
 * Nothing else in the code base keeps a status table.
 */
export const ERROR_CODES = {
  PARAM_ERROR: { http: 400, code: 501, trpc: "BAD_REQUEST", zh: "参数错误", en: "Invalid parameters" },
  TOKEN_INVALID: { http: 400, code: 400, trpc: "BAD_REQUEST", zh: "令牌无效", en: "Invalid token" },
  TOKEN_EXPIRED: {
    http: 400,
    code: 400,
    trpc: "BAD_REQUEST",
    zh: "令牌已过期，请重新申请",
    en: "The token has expired, please request a new one",
  },
  USER_NOT_FOUND: { http: 404, code: 404, trpc: "NOT_FOUND", zh: "用户不存在", en: "User not found" },
  EMAIL_NOT_REGISTERED: {
    http: 404,
    code: 404,
    trpc: "NOT_FOUND",
    zh: "该邮箱未注册",
    en: "This email address is not registered",
  },
  PASSWORD_TOO_SHORT: {
    http: 400,
    code: 501,
    trpc: "BAD_REQUEST",
    zh: "密码长度不能少于{min}位",
    en: "The password must be at least {min} characters long",
  },
  PASSWORD_TOO_LONG: {
    http: 400,
    code: 501,
    trpc: "BAD_REQUEST",
    zh: "密码长度不能超过{max}位",
    en: "The password must be at most {max} characters long",
  },
  PASSWORD_TOO_COMMON: {
    http: 400,
    code: 501,
    trpc: "BAD_REQUEST",
    zh: "密码过于常见，请换一个更难猜的密码",
    en: "This password is too common, please choose one that is harder to guess",
  },
  PASSWORD_UNCHANGED: {
    http: 400,
    code: 501,
    trpc: "BAD_REQUEST",
    zh: "新密码不能与当前密码相同",
    en: "The new password must differ from the current one",
  },
  EMAIL_TAKEN: { http: 409, code: 409, trpc: "CONFLICT", zh: "该邮箱已被注册", en: "This email address is already registered" },
  USERNAME_TAKEN: { http: 409, code: 409, trpc: "CONFLICT", zh: "该用户名已被占用", en: "This username is already taken" },
  INVALID_CREDENTIALS: {
    http: 401,
    code: 401,
    trpc: "UNAUTHORIZED",
    zh: "账号或密码错误",
    en: "Incorrect account or password",
  },
  UNAUTHORIZED: { http: 401, code: 401, trpc: "UNAUTHORIZED", zh: "未登录或登录已过期", en: "Not signed in or session expired" },
  CAPTCHA_REQUIRED: { http: 403, code: 403, trpc: "FORBIDDEN", zh: "请完成人机验证", en: "Please complete the captcha" },
  RATE_LIMITED: {
    http: 429,
    code: 429,
    trpc: "TOO_MANY_REQUESTS",
    zh: "请求过于频繁，请稍后再试",
    en: "Too many requests, please try again later",
  },
  ROUTE_NOT_FOUND: { http: 404, code: 404, trpc: "NOT_FOUND", zh: "接口不存在", en: "No such endpoint" },
  METHOD_NOT_ALLOWED: { http: 405, code: 405, trpc: "METHOD_NOT_SUPPORTED", zh: "请求方法不允许", en: "Method not allowed" },
  CROSS_SITE: {
    http: 403,
    code: 403,
    trpc: "FORBIDDEN",
    zh: "已拒绝跨站请求",
    en: "Cross-site request refused",
  },
  PAYLOAD_TOO_LARGE: { http: 413, code: 413, trpc: "PAYLOAD_TOO_LARGE", zh: "请求体过大", en: "Request body too large" },
  UNSUPPORTED_MEDIA_TYPE: {
    http: 415,
    code: 415,
    trpc: "UNSUPPORTED_MEDIA_TYPE",
    zh: "请求体须为 JSON",
    en: "The request body must be JSON",
  },
  INTERNAL: { http: 500, code: 500, trpc: "INTERNAL_SERVER_ERROR", zh: "服务器错误", en: "Server error" },
} as const satisfies Record<string, ErrorCodeEntry>;

interface ErrorCodeEntry {
  /** HTTP status of the REST adapter. */
  http: number;
  /** `code` field of the REST envelope (differs from `http` only for the seed's 501). */
  code: number;
  trpc:
    | "BAD_REQUEST"
    | "UNAUTHORIZED"
    | "FORBIDDEN"
    | "NOT_FOUND"
    | "METHOD_NOT_SUPPORTED"
    | "CONFLICT"
    | "TOO_MANY_REQUESTS"
    | "PAYLOAD_TOO_LARGE"
    | "UNSUPPORTED_MEDIA_TYPE"
    | "INTERNAL_SERVER_ERROR";
  zh: string;
  en: string;
}

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** The message of a code in a locale, with `{name}` placeholders filled from `params`. */
export function errorMessage(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}): string {
  const entry = ERROR_CODES[code];
  const template = locale === "en" ? entry.en : entry.zh;
  return fill(template, params);
}

/**
 * `{name}` placeholders filled from `params` (own properties only: `{constructor}` stays as written); the
 * one fill of every message, server or page.
 */
export function fill(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
