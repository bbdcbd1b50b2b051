"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { domainCode, errorText } from "~/components/errors";
import { Field, FormMessage } from "~/components/field";
import { PasswordRules, preloadPasswordChecker, usePasswordRules } from "~/components/password-rules";
import { forgetResetCredential, takeResetCredential, type ResetCredential } from "~/components/reset-credential";
import { useT } from "~/i18n/client";
import type { MessageKey } from "~/i18n/messages";
import { api } from "~/trpc/react";

const REDIRECT_SECONDS = 5;

type Dead = "missing" | "invalid" | "expired" | "userGone";
type Via = "link" | "code";
/** What is dead is said in the words of what the person used: the link, or the code. */
const DEAD_MESSAGE: Record<Via, Record<Dead, MessageKey>> = {
  link: { missing: "reset.missing", invalid: "reset.invalid", expired: "reset.expired", userGone: "reset.userGone" },
  code: { missing: "reset.missing", invalid: "reset.codeInvalid", expired: "reset.codeExpired", userGone: "reset.codeUserGone" },
};

function deadFrom(code: string | undefined): Dead | null {
  if (code === "TOKEN_EXPIRED") return "expired";
  if (code === "USER_NOT_FOUND") return "userGone";
  if (code === "TOKEN_INVALID") return "invalid";
  return null;
}

function formatRemaining(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

export function ResetPasswordView() {
  const t = useT();
  const router = useRouter();
  const [credential, setCredential] = useState<ResetCredential | null>(null);
  const [dead, setDead] = useState<Dead | null>(null);
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  /** Set by a refused submit: from then on the field says what still stands in the way, and nothing once it passes. */
  const [attempted, setAttempted] = useState(false);
  /** The server's refusal of one password (too common, unchanged...): shown until that password is edited. */
  const [refused, setRefused] = useState<{ password: string; message: string } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [redirectIn, setRedirectIn] = useState<number | null>(null);
  const { rules, strength, ok } = usePasswordRules(password, confirmation);

  // Opening the page only verifies: it never consumes the token or code (mail scanners open links too).
  const verify = api.auth.passwordReset.verify.useMutation({
    onError: (error) => {
      const gone = deadFrom(domainCode(error));
      // A dead token or code is of no use on a reload either.
      if (gone) forgetResetCredential();
      setDead(gone);
    },
  });
  const reset = api.auth.passwordReset.reset.useMutation({
    onSuccess: () => {
      forgetResetCredential();
      setRedirectIn(REDIRECT_SECONDS);
    },
    onError: (error, variables) => {
      const code = domainCode(error);
      const gone = deadFrom(code);
      if (gone) setDead(gone);
      else if (code?.startsWith("PASSWORD_")) setRefused({ password: variables.new_password, message: error.message });
    },
  });
  const via: Via = credential && "code" in credential ? "code" : "link";
  const username = verify.data?.username;
  // The sign-in page says the password was changed and fills in the account: the username, which the person
  // knows already (never the token, nor the password).
  const signInHref = username ? `/sign-in?reset=1&account=${encodeURIComponent(username)}` : "/sign-in?reset=1";

  useEffect(() => {
    const found = takeResetCredential();
    setCredential(found);
    if (found) verify.mutate(found);
    else setDead("missing");
    // Runs once, as the page opens.
  }, []);

  const expiresAt = verify.data ? Date.parse(verify.data.expire_at) : null;
  const remaining = expiresAt ? Math.max(0, Math.ceil((expiresAt - now) / 1000)) : null;
  useEffect(() => {
    if (!expiresAt || redirectIn !== null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [expiresAt, redirectIn]);
  useEffect(() => {
    if (remaining === 0 && redirectIn === null) setDead("expired");
  }, [remaining, redirectIn]);
  useEffect(() => {
    if (redirectIn === null) return;
    if (redirectIn <= 0) {
      router.push(signInHref);
      return;
    }
    const timer = setTimeout(() => setRedirectIn(redirectIn - 1), 1000);
    return () => clearTimeout(timer);
  }, [redirectIn, router, signInHref]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!ok || !credential) {
      setAttempted(true);
      return;
    }
    reset.mutate({ ...credential, new_password: password });
  };
  // Derived from what is typed now, so a stale error clears the moment every rule is met.
  const ruleError = !attempted || ok ? null : rules.length && rules.common && !rules.match ? t("error.mismatch") : t("error.rulesUnmet");
  const fieldError = refused?.password === password ? refused.message : ruleError;

  let body;
  if (redirectIn !== null) {
    body = (
      <div role="status" className="success">
        <p>{t("reset.done", { seconds: Math.max(redirectIn, 0) })}</p>
        <Link href={signInHref} className="button primary">
          {t("reset.goSignIn")}
        </Link>
      </div>
    );
  } else if (dead) {
    body = (
      <div role="alert" className="dead">
        <p>{t(DEAD_MESSAGE[via][dead])}</p>
        <Link href="/forgot-password" className="button primary">
          {t("reset.requestNew")}
        </Link>
      </div>
    );
  } else if (!verify.data) {
    body = verify.error ? (
      <FormMessage error={errorText(verify.error, t)} />
    ) : (
      <p role="status">{t(via === "code" ? "reset.codeChecking" : "reset.checking")}</p>
    );
  } else {
    body = (
      <form onSubmit={submit} noValidate>
        <p>{t("reset.for", { username: verify.data.username, email: verify.data.email })}</p>
        <p className="countdown" aria-live="off">
          {t(via === "code" ? "reset.codeExpiresIn" : "reset.expiresIn", { time: formatRemaining(remaining ?? 0) })}
        </p>
        <Field
          label={t("field.newPassword")}
          type="password"
          revealable
          autoComplete="new-password"
          value={password}
          onValueChange={setPassword}
          onFocus={preloadPasswordChecker}
          error={fieldError}
          hint={<PasswordRules rules={rules} strength={strength} />}
          required
        />
        <Field
          label={t("field.confirmPassword")}
          type="password"
          revealable
          autoComplete="new-password"
          value={confirmation}
          onValueChange={setConfirmation}
          error={confirmation && !rules.match ? t("error.mismatch") : null}
          required
        />
        <FormMessage error={reset.error && !domainCode(reset.error)?.startsWith("PASSWORD_") && !dead ? errorText(reset.error, t) : null} />
        <button type="submit" className="primary" disabled={reset.isPending}>
          {t("reset.submit")}
        </button>
      </form>
    );
  }

  return (
    <section className="card">
      <h1>{t("reset.title")}</h1>
      {body}
    </section>
  );
}
