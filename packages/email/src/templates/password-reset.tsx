import { Button, Link, Section, Text } from "@react-email/components";
import type { Locale } from "@rekey/validators";
import { EmailLayout, pick, styles } from "./layout";

/** Props of the "reset your password" email. */
export interface PasswordResetEmailProps {
  appName: string;
  username: string;
  /** Absolute https(s) link to the reset page, carrying the token. */
  link: string;
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
    expiry: (minutes) => `该链接将在 ${minutes} 分钟后失效，且只能使用一次。`,
    ignore: "如果这不是您本人的操作，请忽略此邮件，您的密码不会被更改。",
    footer: (appName) => `此邮件由 ${appName} 自动发送，请勿直接回复。`,
  },
  en: {
    subject: (appName) => `Reset your ${appName} password`,
    preview: (appName, minutes) => `Your ${appName} password reset link, valid for ${minutes} minutes`,
    heading: "Reset your password",
    greeting: (username) => `Hi ${username},`,
    intro: (appName) =>
      `We received a request to reset the password of your ${appName} account. Click the button below to choose a new one:`,
    button: "Reset password",
    fallback: "If the button does not work, copy this link into your browser's address bar:",
    expiry: (minutes) => `This link expires in ${minutes} minutes and can be used only once.`,
    ignore: "If you did not ask for this, ignore this email; your password stays unchanged.",
    footer: (appName) => `This email was sent automatically by ${appName}. Please do not reply.`,
  },
};

/** Subject line of the password reset email in the given locale. */
export function passwordResetSubject(props: Pick<PasswordResetEmailProps, "appName" | "locale">): string {
  return pick(passwordResetStrings, props.locale).subject(props.appName);
}

/** The password reset email: greeting, a button and the same link as plain text, expiry, and a reassurance. */
export function PasswordResetEmail({ appName, username, link, expiresInMinutes, locale }: PasswordResetEmailProps) {
  const t = pick(passwordResetStrings, locale);
  return (
    <EmailLayout
      appName={appName}
      locale={locale}
      preview={t.preview(appName, expiresInMinutes)}
      heading={t.heading}
      footer={t.footer(appName)}
    >
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
      <Text style={styles.text}>{t.expiry(expiresInMinutes)}</Text>
      <Text style={styles.text}>{t.ignore}</Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  appName: "Rekey",
  username: "alice",
  link: "http://localhost:3000/reset-password?token=preview-token-not-valid",
  expiresInMinutes: 10,
  locale: "zh-CN",
} satisfies PasswordResetEmailProps;

export default PasswordResetEmail;
