"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { errorText } from "~/components/errors";
import { useSite, useT } from "~/i18n/client";
import { api } from "~/trpc/react";
import { LocaleSwitcher } from "./locale-switcher";

/**
 * The account part of the header: who is signed in and a way out, or the ways in. Nothing while the
 * session is being looked up, so a signed-in person never sees "Sign in" flash by.
 */
function Account() {
  const t = useT();
  const router = useRouter();
  const utils = api.useUtils();
  const me = api.auth.me.useQuery();
  const signOut = api.auth.signOut.useMutation({
    onSuccess: async () => {
      await utils.auth.me.reset();
      router.push("/");
    },
  });

  if (me.isPending) return <div className="account" aria-hidden="true" />;
  if (!me.data) {
    return (
      <nav className="account" aria-label={t("nav.main")}>
        <Link href="/sign-in">{t("nav.signIn")}</Link>
        <Link href="/sign-up">{t("nav.signUp")}</Link>
      </nav>
    );
  }
  return (
    <div className="account signed-in" role="group" aria-label={t("nav.account")}>
      {/* The username only: the email address stays off every page's header (shared screens, screenshots);
          the account page shows both. */}
      <p className="account-who">
        <span className="visually-hidden">{t("nav.signedInAs")}</span>
        <span className="account-name">{me.data.username}</span>
      </p>
      <button type="button" className="small" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
        {t("home.signOut")}
      </button>
      {signOut.error ? (
        <p className="account-error" role="alert">
          {errorText(signOut.error, t)}
        </p>
      ) : null}
    </div>
  );
}

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
      <Account />
      <LocaleSwitcher />
    </header>
  );
}
