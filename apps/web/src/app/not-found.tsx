import Link from "next/link";
import { translate } from "~/i18n/messages";
import { getLocale, titled } from "~/i18n/server";

export const generateMetadata = titled("notFound.title");

/** Any address that is no page of ours (and the mailbox where it is not served), in the visitor's language. */
export default async function NotFound() {
  const locale = await getLocale();
  return (
    <section className="card">
      <p className="status-code" aria-hidden="true">
        404
      </p>
      <h1>{translate(locale, "notFound.title")}</h1>
      <p>{translate(locale, "notFound.body")}</p>
      <p className="actions">
        <Link href="/" className="button primary">
          {translate(locale, "notFound.home")}
        </Link>
      </p>
    </section>
  );
}
