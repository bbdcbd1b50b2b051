import type { Locale } from "@rekey/validators";

export { LOCALE_COOKIE } from "@rekey/validators";

/** `en…` as the first preference means English; everything else gets the seed's Chinese. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  const first = header?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "zh-CN";
}

export function parseLocale(value: string | undefined | null): Locale | undefined {
  if (value === "en" || value === "zh-CN") return value;
  return undefined;
}
