"use client";

import Link from "next/link";
import { useT } from "~/i18n/client";
import { api } from "~/trpc/react";
import { FormMessage } from "~/components/field";
import { errorText } from "~/components/errors";

export function HomeView() {
  const t = useT();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery();
  const signOut = api.auth.signOut.useMutation({ onSuccess: () => utils.auth.me.reset() });

  return (
    <section className="card">
      <h1>{t("home.title")}</h1>
      {me.isPending ? (
        <p role="status">{t("home.loading")}</p>
      ) : me.data ? (
        <>
          <p>{t("home.signedInAs", { username: me.data.username, email: me.data.email })}</p>
          <button type="button" className="primary" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            {t("home.signOut")}
          </button>
          <FormMessage error={signOut.error ? errorText(signOut.error, t) : null} />
        </>
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
