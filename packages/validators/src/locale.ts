/** The languages of the product: the seed's Chinese, and English. */
export type Locale = "zh-CN" | "en";
/** Used wherever nothing says otherwise: the product's primary audience reads Chinese. */
export const DEFAULT_LOCALE: Locale = "zh-CN";
/** Cookie that remembers the language a person picked on the pages. */
export const LOCALE_COOKIE = "rekey_locale";

/** A stored or submitted locale, or undefined when it is not one of ours. */
export function parseLocale(value: string | undefined | null): Locale | undefined {
  return value === "en" || value === "zh-CN" ? value : undefined;
}

/** A stored or submitted locale, or the default. */
export function localeOrDefault(value: string | undefined | null): Locale {
  return parseLocale(value) ?? DEFAULT_LOCALE;
}

/** `en…` as the first preference of an Accept-Language header means English; anything else the default. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  const first = header?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : DEFAULT_LOCALE;
}

/**
 * The language of the pages (and of what they ask the server for): the one a person picked (its cookie),
 * else on a first visit the browser's Accept-Language.
 */
export function pageLocale(cookie: string | undefined | null, acceptLanguage: string | undefined | null): Locale {
  return parseLocale(cookie) ?? localeFromAcceptLanguage(acceptLanguage);
}
