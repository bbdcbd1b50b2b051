"use client";

import { LOCALE_COOKIE, type Locale } from "@rekey/validators";
import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { useSite, useT } from "~/i18n/client";

/** Switches the language of every page; remembered for a year in a cookie. */
export function LocaleSwitcher() {
  const { locale } = useSite();
  const t = useT();
  const router = useRouter();
  // While a switch is being rendered the buttons wait: a second click during the refresh could otherwise
  // see the earlier refresh land last and leave the page in the language not chosen.
  const [switching, startSwitch] = useTransition();
  const choose = (next: Locale) => {
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    startSwitch(() => router.refresh());
  };
  return (
    <div className="locale" role="group" aria-label={t("nav.language")}>
      <button type="button" lang="zh-CN" aria-pressed={locale === "zh-CN"} disabled={switching} onClick={() => choose("zh-CN")}>
        中文
      </button>
      <button type="button" lang="en" aria-pressed={locale === "en"} disabled={switching} onClick={() => choose("en")}>
        English
      </button>
    </div>
  );
}
