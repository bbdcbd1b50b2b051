"use client";

import { requestPasswordResetInput } from "@rekey/validators";
import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Captcha, type CaptchaHandle } from "~/components/captcha";
import { errorText } from "~/components/errors";
import { Field, FormMessage } from "~/components/field";
import { useSite, useT } from "~/i18n/client";
import { api } from "~/trpc/react";

export function ForgotPasswordView({ initialEmail }: { initialEmail: string }) {
  const t = useT();
  const { resetTtlMinutes } = useSite();
  const [email, setEmail] = useState(initialEmail);
  const [emailError, setEmailError] = useState<string | null>(null);
  const [captcha, setCaptcha] = useState<string | null>(null);
  /** An address submitted before the captcha finished: sent as soon as it does. */
  const [waiting, setWaiting] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const captchaRef = useRef<CaptchaHandle>(null);
  const request = api.auth.passwordReset.request.useMutation({
    onSuccess: (_data, variables) => setSentTo(variables.email),
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
    const parsed = requestPasswordResetInput.shape.email.safeParse(email);
    setEmailError(parsed.success ? null : t("error.emailInvalid"));
    if (parsed.success) send(email.trim());
  };

  const status = request.error ? errorText(request.error, t) : null;
  // An error from the last submit stays only while the address is still not one.
  const shownEmailError = emailError && !requestPasswordResetInput.shape.email.safeParse(email).success ? emailError : null;
  // Just before the button it unlocks; the same widget serves "send again".
  const captchaBlock = (
    <Captcha ref={captchaRef} onPayload={setCaptcha}>
      {captcha ? null : t("captcha.verifying")}
    </Captcha>
  );

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
            <button type="button" onClick={() => send(sentTo)} disabled={request.isPending || !captcha}>
              {t("forgot.again")}
            </button>
            <Link href="/sign-in">{t("forgot.back")}</Link>
          </div>
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <p>{t("forgot.intro")}</p>
          <Field
            label={t("field.email")}
            type="email"
            inputMode="email"
            autoComplete="email"
            value={email}
            onValueChange={setEmail}
            error={shownEmailError}
            required
          />
          {captchaBlock}
          <FormMessage error={status} />
          <button type="submit" className="primary" disabled={request.isPending || waiting !== null}>
            {t("forgot.submit")}
          </button>
        </form>
      )}
    </section>
  );
}
