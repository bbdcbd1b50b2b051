"use client";

import Link from "next/link";
import { useT } from "~/i18n/client";
import { api } from "~/trpc/react";

/** The account page: who is signed in (signing out is in the header, on every page), or the ways in. */
export function HomeView() {
  const t = useT();
  const me = api.auth.me.useQuery();

  return (
    <section className="card">
      <h1>{t("home.title")}</h1>
      {me.isPending ? (
        <p role="status">{t("home.loading")}</p>
      ) : me.data ? (
        <p>{t("home.signedInAs", { username: me.data.username, email: me.data.email })}</p>
      ) : (
        <>
          <p>{t("home.signedOut")}</p>
          <p className="links">
            <Link href="/sign-in">{t("nav.signIn")}</Link>
            <Link href="/sign-up">{t("nav.signUp")}</Link>
            <Link href="/forgot-password">{t("signIn.forgot")}</Link>
          </p>
        </>
      )}
    </section>
  );
}
