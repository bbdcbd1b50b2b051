import { Button, Link, Section, Text } from "@react-email/components";
import type { Locale } from "@rekey/validators";
import { EmailLayout, pick, styles } from "./layout";

/** Props of the "your password was changed" notice. */
export interface PasswordChangedEmailProps {
  appName: string;
  username: string;
  /** When the change happened, already formatted for the reader (time zone included). */
  changedAt: string;
  /** Client IP of the request that changed the password; null or empty when unknown. */
  ip: string | null;
  /** Browser (User-Agent) of that request; null or empty when unknown. */
  userAgent: string | null;
  /** Link to the forgot-password page, to choose a new password. */
  resetUrl: string;
  /** "This wasn't me": the single-use link that signs everyone out and locks password sign-in until a reset. */
  secureUrl: string;
  locale?: Locale;
}

interface Strings {
  subject: (appName: string) => string;
  preview: (appName: string) => string;
  heading: string;
  greeting: (username: string) => string;
  intro: (appName: string) => string;
  when: string;
  ip: string;
  browser: string;
  unknown: string;
  sessions: string;
  ifYou: string;
  ifNotYou: string;
  button: string;
  fallback: string;
  support: string;
  footer: (appName: string) => string;
}

/** Every visible string of this template, per locale. */
export const passwordChangedStrings: Record<Locale, Strings> = {
  "zh-CN": {
    subject: (appName) => `您的 ${appName} 密码已修改`,
    preview: (appName) => `您的 ${appName} 账号密码刚刚被修改`,
    heading: "密码已修改",
    greeting: (username) => `${username}，您好：`,
    intro: (appName) => `您的 ${appName} 账号密码已被修改。本次操作的信息如下：`,
    when: "时间",
    ip: "IP 地址",
    browser: "浏览器",
    unknown: "未知",
    sessions: "为保护您的账号，所有已登录的设备均已退出，请使用新密码重新登录。",
    ifYou: "如果这是您本人的操作，无需任何处理。",
    ifNotYou:
      "如果这不是您本人的操作，您的账号可能已被他人控制。请点击下方按钮：所有登录将立即退出，密码登录将被锁定，直到您通过找回密码设置新密码（链接 7 天内有效）。",
    button: "这不是我，保护账号",
    fallback: "如果按钮无法点击，请将以下链接复制到浏览器地址栏打开：",
    support: "之后请在找回密码页面设置新密码：",
    footer: (appName) => `此邮件由 ${appName} 自动发送，请勿直接回复。`,
  },
  en: {
    subject: (appName) => `Your ${appName} password was changed`,
    preview: (appName) => `The password of your ${appName} account was just changed`,
    heading: "Your password was changed",
    greeting: (username) => `Hi ${username},`,
    intro: (appName) => `The password of your ${appName} account was changed. Details of the change:`,
    when: "When",
    ip: "IP address",
    browser: "Browser",
    unknown: "unknown",
    sessions: "To protect your account, every signed-in device was signed out; sign in again with the new password.",
    ifYou: "If this was you, there is nothing else to do.",
    ifNotYou:
      "If this was not you, someone else may control your account. Use the button below: every session ends at once and password sign-in stays locked until you reset the password (the link works for 7 days).",
    button: "This wasn't me: secure my account",
    fallback: "If the button does not work, copy this link into your browser's address bar:",
    support: "Then choose a new password on the forgot-password page:",
    footer: (appName) => `This email was sent automatically by ${appName}. Please do not reply.`,
  },
};

/** Subject line of the password changed notice in the given locale. */
export function passwordChangedSubject(props: Pick<PasswordChangedEmailProps, "appName" | "locale">): string {
  return pick(passwordChangedStrings, props.locale).subject(props.appName);
}

/** Security notice sent after a password change: when, from where, and what to do if it was not the owner. */
export function PasswordChangedEmail(props: PasswordChangedEmailProps) {
  const { appName, username, changedAt, ip, userAgent, resetUrl, secureUrl, locale } = props;
  const t = pick(passwordChangedStrings, locale);
  const rows: Array<[string, string]> = [
    [t.when, changedAt],
    [t.ip, ip || t.unknown],
    [t.browser, userAgent || t.unknown],
  ];
  return (
    <EmailLayout appName={appName} locale={locale} preview={t.preview(appName)} heading={t.heading} footer={t.footer(appName)}>
      <Text style={styles.text}>{t.greeting(username)}</Text>
      <Text style={styles.text}>{t.intro(appName)}</Text>
      <Section style={{ backgroundColor: "#f9fafb", borderRadius: "6px", padding: "4px 16px" }}>
        {rows.map(([label, value]) => (
          <Text key={label} style={styles.text}>
            <strong>{label}:</strong> {value}
          </Text>
        ))}
      </Section>
      {/* Every password change ends every session (CONTRACT §2). */}
      <Text style={styles.text}>{t.sessions}</Text>
      <Text style={styles.text}>{t.ifYou}</Text>
      <Text style={styles.text}>
        <strong>{t.ifNotYou}</strong>
      </Text>
      <Section style={{ margin: "24px 0", textAlign: "center" }}>
        <Button href={secureUrl} style={styles.button}>
          {t.button}
        </Button>
      </Section>
      <Text style={styles.muted}>{t.fallback}</Text>
      <Text style={styles.muted}>
        <Link href={secureUrl} style={styles.link}>
          {secureUrl}
        </Link>
      </Text>
      <Text style={styles.text}>
        {t.support}{" "}
        <Link href={resetUrl} style={styles.link}>
          {resetUrl}
        </Link>
      </Text>
    </EmailLayout>
  );
}

PasswordChangedEmail.PreviewProps = {
  appName: "Rekey",
  username: "alice",
  changedAt: "2026-11-02 14:03:27 (Asia/Shanghai)",
  ip: "203.0.113.42",
  userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/156.0 Safari/537.36",
  resetUrl: "http://localhost:3000/forgot-password",
  secureUrl: "http://localhost:3000/secure-account?token=preview-token-not-valid",
  locale: "zh-CN",
} satisfies PasswordChangedEmailProps;

export default PasswordChangedEmail;
