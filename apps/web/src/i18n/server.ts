import "server-only";
import { LOCALE_COOKIE, localeOrDefault, type Locale } from "@rekey/validators";
import type { Metadata } from "next";
import { cookies } from "next/headers";
import { translate, type MessageKey } from "./messages";

/** The page language: the remembered choice, else zh-CN (the product's default). */
export async function getLocale(): Promise<Locale> {
  return localeOrDefault((await cookies()).get(LOCALE_COOKIE)?.value);
}

/** `generateMetadata` for a page titled by a message key, in the visitor's language. */
export function titled(key: MessageKey) {
  return async (): Promise<Metadata> => ({ title: translate(await getLocale(), key) });
}
