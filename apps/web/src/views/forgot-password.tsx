"use client";

import { isEmailAddress as isEmail } from "@rekey/validators";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Captcha, type CaptchaHandle } from "~/components/captcha";
import { domainCode, errorText } from "~/components/errors";
import { EmailField, Field, FormMessage } from "~/components/field";
import { storeResetCredential } from "~/components/reset-credential";
import { useSite, useT } from "~/i18n/client";
import { api } from "~/trpc/react";

/**
 * The 8-digit code as the email shows it (`1234 5678`), typed with or without the space or a dash, in
 * full-width digits too (a Chinese input method): its digits, or null when it cannot be a code.
 */
function codeDigits(value: string): string | null {
  const digits = value.normalize("NFKC").replace(/[\s-]/g, "");
  return /^\d{8}$/.test(digits) ? digits : null;
}

/**
 * "I have a code": the address and the code from a reset email (read on another device, or with a link a
 * mail client mangled) prove the reset instead of the link. A good pair goes to the reset page, kept for
 * this tab only (never in the address); a wrong one is said as such, with the way to a new email.
 */
function CodeForm({ email, onEmailChange, onBack }: { email: string; onEmailChange(value: string): void; onBack(): void }) {
  const t = useT();
  const router = useRouter();
  const [code, setCode] = useState("");
  const [tried, setTried] = useState(false);
  const verify = api.auth.passwordReset.verify.useMutation();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    const digits = codeDigits(code);
    if (!isEmail(email) || !digits) return;
    const credential = { email: email.trim(), code: digits };
    verify.mutate(credential, {
      onSuccess: () => {
        storeResetCredential(credential);
        router.push("/reset-password");
      },
    });
  };

  const emailError = tried && !isEmail(email) ? t("error.emailInvalid") : null;
  const codeError = tried && !codeDigits(code) ? t("error.codeFormat") : null;
  const failure = domainCode(verify.error);
  const status = !verify.error
    ? null
    : failure === "TOKEN_INVALID"
      ? t("code.wrong")
      : failure === "TOKEN_EXPIRED"
        ? t("code.expired")
        : errorText(verify.error, t);

  return (
    <form onSubmit={submit} noValidate>
      <p>{t("code.intro")}</p>
      <EmailField value={email} onValueChange={onEmailChange} error={emailError} autoFocus={!isEmail(email)} />
      <Field
        label={t("field.code")}
        inputMode="numeric"
        autoComplete="one-time-code"
        spellCheck={false}
        value={code}
        onValueChange={setCode}
        error={codeError}
        hint={t("code.hint")}
        autoFocus={isEmail(email)}
        required
      />
      <FormMessage error={status} />
      <div className="actions">
        <button type="submit" className="primary" disabled={verify.isPending || verify.isSuccess}>
          {t("code.submit")}
        </button>
        <button type="button" onClick={onBack}>
          {t("code.noCode")}
        </button>
      </div>
    </form>
  );
}

export function ForgotPasswordView({ initialEmail }: { initialEmail: string }) {
  const t = useT();
  const { resetTtlMinutes } = useSite();
  const [email, setEmail] = useState(initialEmail);
  const [emailError, setEmailError] = useState<string | null>(null);
  /** "I have a code" is open (from the form, or after sending). */
  const [withCode, setWithCode] = useState(false);
  const [captcha, setCaptcha] = useState<string | null>(null);
  /** An address submitted before the captcha finished: sent as soon as it does. */
  const [waiting, setWaiting] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const captchaRef = useRef<CaptchaHandle>(null);
  const request = api.auth.passwordReset.request.useMutation({
    onSuccess: (_data, variables) => {
      setSentTo(variables.email);
      setEmail(variables.email);
    },
    // A captcha solution is good for one request: fetch and solve a new one for the next.
    onSettled: () => captchaRef.current?.reset(),
  });

  const send = (address: string) => {
    if (!captcha) {
      setWaiting(address);
      return;
    }
    setWaiting(null);
    request.mutate({ email: address, captcha });
  };
  useEffect(() => {
    if (captcha && waiting && !request.isPending) {
      setWaiting(null);
      request.mutate({ email: waiting, captcha });
    }
  }, [captcha, waiting, request]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const ok = isEmail(email);
    setEmailError(ok ? null : t("error.emailInvalid"));
    if (ok) send(email.trim());
  };

  const status = request.error ? errorText(request.error, t) : null;
  // An error from the last submit stays only while the address is still not one.
  const shownEmailError = emailError && !isEmail(email) ? emailError : null;
  // Just before the button it unlocks; the same widget serves "send again".
  const captchaBlock = (
    <Captcha ref={captchaRef} onPayload={setCaptcha}>
      {captcha ? null : t("captcha.verifying")}
    </Captcha>
  );

  const openCode = () => {
    setWithCode(true);
    // The widget is left (and an address still waiting for it is dropped); the one shown on coming back
    // solves a new challenge.
    setCaptcha(null);
    setWaiting(null);
  };
  const closeCode = () => {
    setWithCode(false);
    setSentTo(null);
  };

  if (withCode) {
    return (
      <section className="card">
        <h1>{t("code.title")}</h1>
        <CodeForm email={email} onEmailChange={setEmail} onBack={closeCode} />
      </section>
    );
  }

  return (
    <section className="card">
      <h1>{sentTo ? t("forgot.sent.title") : t("forgot.title")}</h1>
      {sentTo ? (
        <div className="sent">
          {/* The same words for every address: this page never says whether an account exists. */}
          <p role="status">{t("forgot.sent.body", { email: sentTo, minutes: resetTtlMinutes })}</p>
          {captchaBlock}
          <FormMessage error={status} />
          <div className="actions">
            <button type="button" onClick={openCode}>
              {t("forgot.haveCode")}
            </button>
            <button type="button" onClick={() => send(sentTo)} disabled={request.isPending || !captcha}>
              {t("forgot.again")}
            </button>
            <Link href="/sign-in">{t("forgot.back")}</Link>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t("forgot.intro")}</p>
          <EmailField value={email} onValueChange={setEmail} error={shownEmailError} />
          {captchaBlock}
          <FormMessage error={status} />
          <div className="actions">
            <button type="submit" className="primary" disabled={request.isPending || waiting !== null}>
              {t("forgot.submit")}
            </button>
            {/* Someone who already has the email (on another device) goes straight to the code. */}
            <button type="button" onClick={openCode}>
              {t("forgot.haveCode")}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
