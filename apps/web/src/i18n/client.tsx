"use client";

import type { Locale } from "@rekey/validators";
import { createContext, useContext, type ReactNode } from "react";
import { translate, type MessageKey } from "./messages";

/** What the server tells every page: language and the settings the forms explain to the user. */
export interface SiteSettings {
  locale: Locale;
  appName: string;
  passwordMinLength: number;
  resetTtlMinutes: number;
}

const SiteContext = createContext<SiteSettings | null>(null);

export function SiteProvider({ value, children }: { value: SiteSettings; children: ReactNode }) {
  return <SiteContext.Provider value={value}>{children}</SiteContext.Provider>;
}

export function useSite(): SiteSettings {
  const site = useContext(SiteContext);
  if (!site) throw new Error("useSite outside SiteProvider");
  return site;
}

export function useT() {
  const { locale } = useSite();
  return (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
}
