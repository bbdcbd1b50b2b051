"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Captcha, type CaptchaHandle } from "~/components/captcha";
import { domainCode, errorText } from "~/components/errors";
import { takeFromAddressBar } from "~/components/address-bar";
import { Field, FormMessage } from "~/components/field";
import { useT } from "~/i18n/client";
import { api } from "~/trpc/react";

type Credentials = { account: string; password: string };

/**
 * `justReset`: arrived from a completed password reset, with the account it was for filled in (the
 * username; the address bar is cleaned once read, so neither stays in history).
 */
export function SignInView({ initialAccount = "", justReset = false }: { initialAccount?: string; justReset?: boolean }) {
  const t = useT();
  const router = useRouter();
  const utils = api.useUtils();
  const [account, setAccount] = useState(initialAccount);
  const [password, setPassword] = useState("");
  const [missing, setMissing] = useState<{ account?: string; password?: string }>({});
  /** Set once the server asked for a captcha (too many failed sign-ins for this account). */
  const [needsCaptcha, setNeedsCaptcha] = useState(false);
  const [captcha, setCaptcha] = useState<string | null>(null);
  /** Credentials submitted before the captcha finished: sent as soon as it does. */
  const [waiting, setWaiting] = useState<Credentials | null>(null);
  const captchaRef = useRef<CaptchaHandle>(null);
  useEffect(() => {
    if (justReset) takeFromAddressBar("reset", "account");
  }, [justReset]);
  const signIn = api.auth.signIn.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push("/");
    },
    onError: (error, variables) => {
      if (domainCode(error) !== "CAPTCHA_REQUIRED") return;
      setNeedsCaptcha(true);
      // Asked for a captcha on an attempt that carried none: send it again once the check has passed,
      // so the person does not have to press the button twice.
      if (!variables.captcha) setWaiting({ account: variables.account, password: variables.password });
    },
    // A captcha solution is good for one attempt: fetch and solve a new one for the next.
    onSettled: () => captchaRef.current?.reset(),
  });

  const send = (credentials: Credentials) => {
    if (needsCaptcha && !captcha) {
      setWaiting(credentials);
      return;
    }
    setWaiting(null);
    signIn.mutate({ ...credentials, captcha: needsCaptcha ? (captcha ?? undefined) : undefined });
  };
  useEffect(() => {
    if (captcha && waiting && !signIn.isPending) {
      setWaiting(null);
      signIn.mutate({ ...waiting, captcha });
    }
  }, [captcha, waiting, signIn]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = { account: account.trim() ? undefined : t("error.required"), password: password ? undefined : t("error.required") };
    setMissing(errors);
    if (errors.account || errors.password) return;
    send({ account, password });
  };
  // The typed address travels to the forgot-password form, so nobody types it twice.
  const forgotHref = account.includes("@") ? `/forgot-password?email=${encodeURIComponent(account.trim())}` : "/forgot-password";
  const failure = domainCode(signIn.error);
  // Locked by the owner's own "this wasn't me": explained, with the way out, instead of the bare message.
  const locked = failure === "ACCOUNT_LOCKED";
  // The captcha request is explained below the form instead of the bare "please complete the captcha".
  const error = signIn.error && failure !== "CAPTCHA_REQUIRED" && !locked ? errorText(signIn.error, t) : null;

  return (
    <section className="card">
      <h1>{t("signIn.title")}</h1>
      <form onSubmit={submit} noValidate>
        {justReset ? (
          <p className="notice success-note" role="status">
            {t("signIn.resetDone")}
          </p>
        ) : null}
        {/* A "required" error shows only until something is typed. */}
        <Field
          label={t("field.account")}
          value={account}
          onValueChange={setAccount}
          autoComplete="username"
          error={account.trim() ? null : missing.account}
          required
        />
        <Field
          label={t("field.password")}
          type="password"
          revealable
          value={password}
          onValueChange={setPassword}
          autoComplete="current-password"
          // Straight to the password when the account is already filled in after a reset.
          autoFocus={justReset && initialAccount !== ""}
          error={password ? null : missing.password}
          required
        />
        {needsCaptcha ? (
          <>
            <p className="hint" role="status">
              {t("signIn.captchaWhy")}
            </p>
            <Captcha ref={captchaRef} onPayload={setCaptcha}>
              {captcha ? null : t("captcha.verifying")}
            </Captcha>
          </>
        ) : null}
        {locked ? (
          <div className="notice" role="alert">
            <p>{t("signIn.locked")}</p>
            <p>
              <Link href={forgotHref}>{t("secure.reset")}</Link>
            </p>
          </div>
        ) : (
          <FormMessage error={error} />
        )}
        <button type="submit" className="primary" disabled={signIn.isPending || waiting !== null}>
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
