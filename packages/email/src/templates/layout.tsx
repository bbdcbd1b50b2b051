import { Body, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";
import { DEFAULT_LOCALE, type Locale } from "@rekey/validators";
import type { CSSProperties, ReactNode } from "react";

/** Picks the dictionary entry for `locale`, falling back to the default locale for unknown values. */
export function pick<T>(dict: Record<Locale, T>, locale: Locale | undefined): T {
  return dict[locale ?? DEFAULT_LOCALE] ?? dict[DEFAULT_LOCALE];
}

/** Inline styles only: many mail clients drop <style> blocks, and nothing here loads a remote resource. */
export const styles = {
  body: {
    backgroundColor: "#f4f5f7",
    margin: 0,
    padding: "24px 0",
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", Roboto, Helvetica, Arial, sans-serif',
  },
  container: {
    backgroundColor: "#ffffff",
    borderRadius: "8px",
    margin: "0 auto",
    maxWidth: "560px",
    padding: "0 0 24px",
  },
  header: { backgroundColor: "#1f2937", borderRadius: "8px 8px 0 0", padding: "16px 32px" },
  brand: { color: "#ffffff", fontSize: "20px", fontWeight: 700, margin: 0 },
  content: { padding: "8px 32px 0" },
  heading: { color: "#111827", fontSize: "22px", fontWeight: 700, margin: "24px 0 8px" },
  text: { color: "#374151", fontSize: "15px", lineHeight: "24px", margin: "12px 0" },
  muted: { color: "#6b7280", fontSize: "13px", lineHeight: "20px", margin: "8px 0" },
  button: {
    backgroundColor: "#2563eb",
    borderRadius: "6px",
    color: "#ffffff",
    display: "inline-block",
    fontSize: "16px",
    fontWeight: 600,
    padding: "12px 24px",
    textDecoration: "none",
  },
  link: { color: "#2563eb", fontSize: "13px", wordBreak: "break-all" },
  hr: { borderColor: "#e5e7eb", margin: "24px 0 16px" },
} satisfies Record<string, CSSProperties>;

/** Props of the shared frame around every Rekey email. */
export interface EmailLayoutProps {
  appName: string;
  locale: Locale | undefined;
  /** Inbox preview line (hidden preheader). */
  preview: string;
  heading: string;
  footer: string;
  children: ReactNode;
}

/** Branded frame: a text-only header with the product name, the body, and a muted footer. */
export function EmailLayout({ appName, locale, preview, heading, footer, children }: EmailLayoutProps) {
  return (
    <Html lang={locale ?? DEFAULT_LOCALE}>
      <Head />
      <Preview>{preview}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            <Text style={styles.brand}>{appName}</Text>
          </Section>
          <Section style={styles.content}>
            <Heading as="h1" style={styles.heading}>
              {heading}
            </Heading>
            {children}
            <Hr style={styles.hr} />
            <Text style={styles.muted}>{footer}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
