import { Button, Link, Section, Text } from "@react-email/components";
import type { Locale } from "@rekey/validators";
import { EmailLayout, pick, styles } from "./layout";

/** Props of the "reset your password" email. */
export interface PasswordResetEmailProps {
  appName: string;
  username: string;
  /** Absolute https(s) link to the reset page, carrying the token. */
  link: string;
  /** The 8-digit code of the same request, as shown (`1234 5678`): for reading on one device and resetting on another. */
  code: string;
  expiresInMinutes: number;
  locale?: Locale;
}

interface Strings {
  subject: (appName: string) => string;
  preview: (appName: string, minutes: number) => string;
  heading: string;
  greeting: (username: string) => string;
  intro: (appName: string) => string;
  button: string;
  fallback: string;
  codeIntro: string;
  expiry: (minutes: number) => string;
  ignore: string;
  footer: (appName: string) => string;
}

/** Every visible string of this template, per locale. */
export const passwordResetStrings: Record<Locale, Strings> = {
  "zh-CN": {
    subject: (appName) => `重置您的 ${appName} 密码`,
    preview: (appName, minutes) => `重置 ${appName} 密码的链接，${minutes} 分钟内有效`,
    heading: "重置密码",
    greeting: (username) => `${username}，您好：`,
    intro: (appName) => `我们收到了重置您 ${appName} 账号密码的请求。点击下方按钮设置新密码：`,
    button: "重置密码",
    fallback: "如果按钮无法点击，请将以下链接复制到浏览器地址栏打开：",
    codeIntro: "在另一台设备上？在找回密码页面选择“我有验证码”，输入您的邮箱和以下验证码：",
    expiry: (minutes) => `链接和验证码将在 ${minutes} 分钟后失效，且只能使用一次。`,
    ignore: "如果这不是您本人的操作，请忽略此邮件，您的密码不会被更改。",
    footer: (appName) => `此邮件由 ${appName} 自动发送，请勿直接回复。`,
  },
  en: {
    subject: (appName) => `Reset your ${appName} password`,
    preview: (appName, minutes) => `Your ${appName} password reset link, valid for ${minutes} minutes`,
    heading: "Reset your password",
    greeting: (username) => `Hi ${username},`,
    intro: (appName) => `We received a request to reset the password of your ${appName} account. Click the button below to choose a new one:`,
    button: "Reset password",
    fallback: "If the button does not work, copy this link into your browser's address bar:",
    codeIntro: "On another device? Choose “I have a code” on the forgot-password page and enter your email address and this code:",
    expiry: (minutes) => `The link and the code expire in ${minutes} minutes and can be used only once.`,
    ignore: "If you did not ask for this, ignore this email; your password stays unchanged.",
    footer: (appName) => `This email was sent automatically by ${appName}. Please do not reply.`,
  },
};

/** Subject line of the password reset email in the given locale. */
export function passwordResetSubject(props: Pick<PasswordResetEmailProps, "appName" | "locale">): string {
  return pick(passwordResetStrings, props.locale).subject(props.appName);
}

/** The password reset email: greeting, a button and the same link as plain text, the code, expiry, and a reassurance. */
export function PasswordResetEmail({ appName, username, link, code, expiresInMinutes, locale }: PasswordResetEmailProps) {
  const t = pick(passwordResetStrings, locale);
  return (
    <EmailLayout appName={appName} locale={locale} preview={t.preview(appName, expiresInMinutes)} heading={t.heading} footer={t.footer(appName)}>
      <Text style={styles.text}>{t.greeting(username)}</Text>
      <Text style={styles.text}>{t.intro(appName)}</Text>
      <Section style={{ margin: "24px 0", textAlign: "center" }}>
        <Button href={link} style={styles.button}>
          {t.button}
        </Button>
      </Section>
      <Text style={styles.muted}>{t.fallback}</Text>
      <Text style={styles.muted}>
        <Link href={link} style={styles.link}>
          {link}
        </Link>
      </Text>
      <Text style={styles.text}>{t.codeIntro}</Text>
      <Text
        style={{
          ...styles.text,
          fontFamily: "ui-monospace, Menlo, Consolas, monospace",
          fontSize: "28px",
          fontWeight: 700,
          letterSpacing: "4px",
          textAlign: "center",
        }}
      >
        {code}
      </Text>
      <Text style={styles.text}>{t.expiry(expiresInMinutes)}</Text>
      <Text style={styles.text}>{t.ignore}</Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  appName: "Rekey",
  username: "alice",
  link: "http://localhost:3000/reset-password?token=preview-token-not-valid",
  code: "1234 5678",
  expiresInMinutes: 10,
  locale: "zh-CN",
} satisfies PasswordResetEmailProps;

export default PasswordResetEmail;
