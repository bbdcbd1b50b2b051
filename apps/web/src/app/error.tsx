"use client";

import Link from "next/link";
import { useSite, useT } from "~/i18n/client";

/**
 * An unexpected failure while rendering a page, inside the site's frame and in the visitor's language. Says
 * nothing about the cause (production hides it anyway); the digest matches the server's log line.
 */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useT();
  const { appName } = useSite();
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <section className="card">
      <title>{`${t("failure.title")} · ${appName}`}</title>
      <h1>{t("failure.title")}</h1>
      <p role="alert">{t("failure.body")}</p>
      {digest ? <p className="hint">{t("failure.reference", { digest })}</p> : null}
      <p className="actions">
        <button type="button" className="primary" onClick={() => retry()}>
          {t("failure.retry")}
        </button>
        <Link href="/">{t("failure.home")}</Link>
      </p>
    </section>
  );
}
