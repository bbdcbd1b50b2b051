import { Text } from "@react-email/components";
import type { Locale } from "@rekey/validators";
import { EmailLayout, pick, styles } from "./layout";

/** Props of the notice to an address with no account (opt-in, `PASSWORD_RESET_NOTIFY_UNKNOWN=1`). */
export interface NoAccountEmailProps {
  appName: string;
  locale?: Locale;
}

interface Strings {
  subject: (appName: string) => string;
  preview: (appName: string) => string;
  heading: string;
  intro: (appName: string) => string;
  maybe: string;
  ignore: string;
  footer: (appName: string) => string;
}

/** Every visible string of this template, per locale. No link and no code: there is nothing to reset. */
export const noAccountStrings: Record<Locale, Strings> = {
  "zh-CN": {
    subject: (appName) => `${appName} 密码重置请求`,
    preview: (appName) => `有人为此邮箱申请重置 ${appName} 密码，但此邮箱没有账号`,
    heading: "此邮箱没有账号",
    intro: (appName) => `我们收到了为此邮箱重置 ${appName} 密码的请求，但此邮箱没有注册 ${appName} 账号。`,
    maybe: "如果是您本人申请的，您可能使用了其他邮箱注册，请用那个邮箱重新申请。",
    ignore: "如果不是您本人的操作，请忽略此邮件，不会有任何变化。",
    footer: (appName) => `此邮件由 ${appName} 自动发送，请勿直接回复。`,
  },
  en: {
    subject: (appName) => `${appName} password reset request`,
    preview: (appName) => `Someone asked to reset a ${appName} password for this address, which has no account`,
    heading: "No account for this address",
    intro: (appName) => `We received a request to reset the ${appName} password for this email address, but no ${appName} account uses it.`,
    maybe: "If it was you, you may have signed up with another address: ask again with that one.",
    ignore: "If it was not you, ignore this email; nothing has changed.",
    footer: (appName) => `This email was sent automatically by ${appName}. Please do not reply.`,
  },
};

/** Subject line of the no-account notice in the given locale. */
export function noAccountSubject(props: NoAccountEmailProps): string {
  return pick(noAccountStrings, props.locale).subject(props.appName);
}

/** Tells a person who asked with an address that has no account why no reset email will come. */
export function NoAccountEmail({ appName, locale }: NoAccountEmailProps) {
  const t = pick(noAccountStrings, locale);
  return (
    <EmailLayout appName={appName} locale={locale} preview={t.preview(appName)} heading={t.heading} footer={t.footer(appName)}>
      <Text style={styles.text}>{t.intro(appName)}</Text>
      <Text style={styles.text}>{t.maybe}</Text>
      <Text style={styles.text}>{t.ignore}</Text>
    </EmailLayout>
  );
}

NoAccountEmail.PreviewProps = { appName: "Rekey", locale: "zh-CN" } satisfies NoAccountEmailProps;

export default NoAccountEmail;
