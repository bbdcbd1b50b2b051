"use client";

import Link from "next/link";
import { useSite, useT } from "~/i18n/client";
import { LocaleSwitcher } from "./locale-switcher";

export function Header() {
  const { appName } = useSite();
  const t = useT();
  return (
    <header className="site-header">
      <a className="skip-link" href="#main">
        {t("nav.skip")}
      </a>
      <Link href="/" className="brand">
        {appName}
      </Link>
      <nav aria-label={t("nav.main")}>
        <Link href="/sign-in">{t("nav.signIn")}</Link>
        <Link href="/sign-up">{t("nav.signUp")}</Link>
      </nav>
      <LocaleSwitcher />
    </header>
  );
}
