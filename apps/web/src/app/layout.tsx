import { getRuntime } from "@rekey/runtime";
import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Header } from "~/components/header";
import { SiteProvider, type SiteSettings } from "~/i18n/client";
import { getLocale } from "~/i18n/server";
import { TRPCReactProvider } from "~/trpc/react";
import "./globals.css";

// Every page depends on the visitor's language cookie and the live configuration.
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const { config } = await getRuntime();
  return { title: { default: config.appName, template: `%s · ${config.appName}` }, referrer: "no-referrer" };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const [{ config }, locale] = await Promise.all([getRuntime(), getLocale()]);
  const site: SiteSettings = {
    locale,
    appName: config.appName,
    passwordMinLength: config.passwordMinLength,
    resetTtlMinutes: Math.round(config.resetTtlSeconds / 60),
  };
  return (
    <html lang={locale}>
      <body>
        <SiteProvider value={site}>
          <TRPCReactProvider>
            <Header />
            <main id="main" tabIndex={-1}>
              {children}
            </main>
          </TRPCReactProvider>
        </SiteProvider>
      </body>
    </html>
  );
}
