import { listMailbox } from "@rekey/api";
import { getRuntime } from "@rekey/runtime";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { Fragment, type ReactNode } from "react";
import { MailPreview } from "~/components/mail-preview";
import { translate } from "~/i18n/messages";
import { getLocale, titled } from "~/i18n/server";

export async function generateMetadata(): Promise<Metadata> {
  return { ...(await titled("mailbox.title")()), robots: { index: false } };
}

/** Plain text with its http(s) links made clickable (React escapes everything else). */
function linkify(text: string): ReactNode[] {
  return text.split(/(https?:\/\/[^\s<>"')\]]+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part}>
        {part}
      </a>
    ) : (
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}

/**
 * What the mailbox transport kept, newest first. Served only where configuration allows (embedded default),
 * and only to this machine: anyone else gets the same 404 as for a page that does not exist.
 */
export default async function MailboxPage() {
  const runtime = await getRuntime();
  const messages = await listMailbox(runtime, await headers());
  if (!messages) notFound();
  const locale = await getLocale();
  const t = (key: Parameters<typeof translate>[1]) => translate(locale, key);
  // Times in the reader's language and the app's configured zone (APP_TIMEZONE), which the zone name makes plain.
  const when = new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "medium",
    timeZone: runtime.config.timezone,
  });
  const zone = new Intl.DateTimeFormat(locale, { timeZone: runtime.config.timezone, timeZoneName: "shortOffset" });
  const zoneOf = (date: Date) => zone.formatToParts(date).find((part) => part.type === "timeZoneName")?.value ?? "";
  return (
    <section className="card wide">
      <h1>{t("mailbox.title")}</h1>
      <p className="hint">{t("mailbox.note")}</p>
      {messages.length === 0 ? <p>{t("mailbox.empty")}</p> : null}
      {messages.map((message) => (
        <article key={message.id} className="mail" aria-labelledby={`mail-${message.id}`}>
          <h2 id={`mail-${message.id}`}>{message.subject}</h2>
          <p className="mail-meta">
            {t("mailbox.to")}: {message.to} · {t("mailbox.sentAt")}:{" "}
            <time dateTime={message.createdAt.toISOString()}>
              {when.format(message.createdAt)} ({zoneOf(message.createdAt)})
            </time>
          </p>
          <h3>{t("mailbox.text")}</h3>
          <pre className="mail-text">{linkify(message.text)}</pre>
          <details>
            <summary>{t("mailbox.html")}</summary>
            <MailPreview html={message.html} title={`${t("mailbox.html")}: ${message.subject}`} />
          </details>
        </article>
      ))}
    </section>
  );
}
