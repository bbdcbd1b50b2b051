"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { errorText } from "~/components/errors";
import { Field, FormMessage } from "~/components/field";
import { useT } from "~/i18n/client";
import { api } from "~/trpc/react";

export function SignInView() {
  const t = useT();
  const router = useRouter();
  const utils = api.useUtils();
  const [account, setAccount] = useState("");
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<{ account?: string; password?: string }>({});
  const signIn = api.auth.signIn.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push("/");
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = { account: account.trim() ? undefined : t("error.required"), password: password ? undefined : t("error.required") };
    setMissing(errors);
    if (errors.account || errors.password) return;
    signIn.mutate({ account, password });
  };
  // The typed address travels to the forgot-password form, so nobody types it twice.
  const forgotHref = account.includes("@") ? `/forgot-password?email=${encodeURIComponent(account.trim())}` : "/forgot-password";

  return (
    <section className="card">
      <h1>{t("signIn.title")}</h1>
      <form onSubmit={submit} noValidate>
        <Field label={t("field.account")} value={account} onValueChange={setAccount} autoComplete="username" error={missing.account} required />
        <Field
          label={t("field.password")}
          type="password"
          revealable
          value={password}
          onValueChange={setPassword}
          autoComplete="current-password"
          error={missing.password}
          required
        />
        <FormMessage error={signIn.error ? errorText(signIn.error, t) : null} />
        <button type="submit" className="primary" disabled={signIn.isPending}>
          {t("signIn.submit")}
        </button>
      </form>
      <p className="links">
        <Link href={forgotHref}>{t("signIn.forgot")}</Link>
        <span>
          {t("signIn.noAccount")} <Link href="/sign-up">{t("nav.signUp")}</Link>
        </span>
      </p>
    </section>
  );
}
