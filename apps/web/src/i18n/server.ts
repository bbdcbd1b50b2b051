import "server-only";
import { LOCALE_COOKIE, pageLocale, type Locale } from "@rekey/validators";
import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { translate, type MessageKey } from "./messages";

/**
 * The page language: the remembered choice (language switcher), else on a first visit the browser's
 * Accept-Language (English for `en…`), else zh-CN (the product's default).
 */
export async function getLocale(): Promise<Locale> {
  const [jar, request] = await Promise.all([cookies(), headers()]);
  return pageLocale(jar.get(LOCALE_COOKIE)?.value, request.get("accept-language"));
}

/** `generateMetadata` for a page titled by a message key, in the visitor's language. */
export function titled(key: MessageKey) {
  return async (): Promise<Metadata> => ({ title: translate(await getLocale(), key) });
}
