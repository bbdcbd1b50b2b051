import { fill } from "./errors";
import type { Locale } from "./locale";

/** Success messages of the REST envelope (the seed's Chinese strings, with English for `Accept-Language: en`). */
const SUCCESS_MESSAGES = {
  requestPasswordReset: {
    zh: "重置链接已发送到您的邮箱，{minutes}分钟内有效",
    en: "A reset link has been sent to your email, valid for {minutes} minutes",
  },
  verifyResetToken: { zh: "Token有效", en: "Token is valid" },
  resetPassword: { zh: "密码重置成功，请使用新密码登录", en: "Password reset, please sign in with your new password" },
  register: { zh: "注册成功", en: "Registered" },
  login: { zh: "登录成功", en: "Signed in" },
  me: { zh: "成功", en: "OK" },
  logout: { zh: "已退出登录", en: "Signed out" },
  reportPasswordChange: {
    zh: "账户已保护：所有登录已退出，请通过找回密码设置新密码",
    en: "Account secured: every session was signed out; reset your password to set a new one",
  },
} as const;

export type SuccessKey = keyof typeof SUCCESS_MESSAGES;

export function successMessage(key: SuccessKey, locale: Locale, params: Record<string, string | number> = {}): string {
  const entry = SUCCESS_MESSAGES[key];
  return fill(locale === "en" ? entry.en : entry.zh, params);
}
