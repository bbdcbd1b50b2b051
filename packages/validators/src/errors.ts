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
  ACCOUNT_LOCKED: {
    http: 403,
    code: 403,
    trpc: "FORBIDDEN",
    zh: "账号已锁定，请通过找回密码重新设置",
    en: "This account is locked: reset your password to use it again",
  },
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
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : whole));
}

/**
 * What a `501 参数错误` answer says about one field (`data.issues[].message`), per language. Zod writes its
 * own English; the REST adapter and the tRPC error formatter re-word each issue from its code and details,
 * so a Chinese answer never carries English issue text.
 */
const ISSUE_MESSAGES = {
  required: { zh: "缺少此字段", en: "This field is required" },
  expectedString: { zh: "应为字符串", en: "Must be a string" },
  expectedObject: { zh: "请求体应为 JSON 对象", en: "The body must be a JSON object" },
  expectedType: { zh: "类型错误，应为 {expected}", en: "Wrong type, expected {expected}" },
  empty: { zh: "不能为空", en: "Must not be empty" },
  tooShort: { zh: "至少 {min} 个字符", en: "Must be at least {min} characters" },
  tooLong: { zh: "最多 {max} 个字符", en: "Must be at most {max} characters" },
  tooSmall: { zh: "不能小于 {min}", en: "Must be at least {min}" },
  tooBig: { zh: "不能大于 {max}", en: "Must be at most {max}" },
  email: { zh: "邮箱格式不正确", en: "Not a valid email address" },
  username: { zh: "只能包含字母、数字、_ . -", en: "Letters, digits, '_', '.' and '-' only" },
  controlCharacters: { zh: "不能包含控制字符", en: "Control characters are not allowed" },
  format: { zh: "格式不正确", en: "Invalid format" },
  unknownKeys: { zh: "不支持的字段：{keys}", en: "Unknown fields: {keys}" },
  codeNeedsEmail: { zh: "填写验证码时须同时提供邮箱", en: "An email is required with the code" },
  emailNeedsCode: { zh: "填写邮箱时须同时提供验证码", en: "A code is required with the email" },
  tokenOrCode: { zh: "须提供 token，或同时提供邮箱和验证码", en: "A token, or an email and a code, is required" },
  malformedJson: { zh: "请求体不是有效的 JSON", en: "The body is not valid JSON" },
  bodyTooLarge: { zh: "请求体不能超过 {limit} 字节", en: "The body must be at most {limit} bytes" },
  invalid: { zh: "取值无效", en: "Invalid value" },
} as const satisfies Record<string, { zh: string; en: string }>;

export type IssueMessageKey = keyof typeof ISSUE_MESSAGES;

/** One of the issue messages above in a locale. */
export function issueText(key: IssueMessageKey, locale: Locale, params: Record<string, string | number> = {}): string {
  const entry = ISSUE_MESSAGES[key];
  return fill(locale === "en" ? entry.en : entry.zh, params);
}

/** The parts of a zod (v4) issue the wording depends on; every other detail is ignored. */
export interface IssueLike {
  code?: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message?: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  format?: string;
  keys?: readonly string[];
  /** A custom issue names its message here: `ctx.addIssue({ code: "custom", params: { issue: "tokenOrCode" }, ... })`. */
  params?: { issue?: unknown };
}

/**
 * Custom issues (refinements) worded by their English message, for those that do not name theirs in
 * `params.issue`. An unknown one reads as "invalid value", never as English in a Chinese answer.
 */
const CUSTOM_MESSAGES: Record<string, IssueMessageKey> = {
  "code is required with email": "emailNeedsCode",
  "email is required with code": "codeNeedsEmail",
  "token, or email and code, is required": "tokenOrCode",
};

function isIssueMessageKey(value: unknown): value is IssueMessageKey {
  return typeof value === "string" && Object.hasOwn(ISSUE_MESSAGES, value);
}

/** Field names whose pattern rule has its own words (the schemas in ./auth). */
const PATTERN_RULES: Record<string, IssueMessageKey> = { username: "username", account: "controlCharacters" };

/** The message of one validation issue in the answer's language. */
export function issueMessage(issue: IssueLike, locale: Locale): string {
  const field = String(issue.path?.at(-1) ?? "");
  switch (issue.code) {
    case "invalid_type":
      // zod keeps no input in a reported issue; its own (English) words are the one place that says the
      // value was missing rather than of the wrong type.
      if (/received undefined$/.test(issue.message ?? "")) return issueText("required", locale);
      if (issue.expected === "string") return issueText("expectedString", locale);
      if (issue.expected === "object" && (issue.path?.length ?? 0) === 0) return issueText("expectedObject", locale);
      return issueText("expectedType", locale, { expected: issue.expected ?? "?" });
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) <= 1 ? issueText("empty", locale) : issueText("tooShort", locale, { min: Number(issue.minimum) });
      }
      return issueText("tooSmall", locale, { min: Number(issue.minimum) });
    case "too_big":
      return issueText(issue.origin === "string" ? "tooLong" : "tooBig", locale, { max: Number(issue.maximum) });
    case "invalid_format":
      if (issue.format === "email") return issueText("email", locale);
      return issueText(issue.format === "regex" && Object.hasOwn(PATTERN_RULES, field) ? PATTERN_RULES[field]! : "format", locale);
    case "custom": {
      const named = issue.params?.issue;
      if (isIssueMessageKey(named)) return issueText(named, locale);
      const message = issue.message ?? "";
      return issueText(Object.hasOwn(CUSTOM_MESSAGES, message) ? CUSTOM_MESSAGES[message]! : "invalid", locale);
    }
    case "unrecognized_keys":
      return issueText("unknownKeys", locale, { keys: (issue.keys ?? []).join(", ") });
    default:
      return issueText("invalid", locale);
  }
}
