"use client";

import { PASSWORD_MAX_LENGTH, signUpInput } from "@rekey/validators";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { domainCode, errorText } from "~/components/errors";
import { Field, FormMessage } from "~/components/field";
import { PasswordRules, usePasswordRules } from "~/components/password-rules";
import { useSite, useT } from "~/i18n/client";
import { api } from "~/trpc/react";

type Errors = Partial<Record<"email" | "username" | "password", string>>;

export function SignUpView() {
  const t = useT();
  const { passwordMinLength } = useSite();
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const { rules, strength } = usePasswordRules(password, password);
  const signUp = api.auth.signUp.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push("/");
    },
    onError: (error) => {
      // Put the server's answer next to the field it is about.
      const code = domainCode(error);
      if (code === "EMAIL_TAKEN") setErrors({ email: error.message });
      else if (code === "USERNAME_TAKEN") setErrors({ username: error.message });
      else if (code?.startsWith("PASSWORD_")) setErrors({ password: error.message });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = signUpInput.safeParse({ email, username, password });
    const next: Errors = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof Errors;
        next[field] ??= field === "email" ? t("error.emailInvalid") : field === "username" ? t("signUp.usernameHint") : t("error.required");
      }
    }
    if (!rules.length) next.password ??= t("rules.length", { min: passwordMinLength, max: PASSWORD_MAX_LENGTH });
    setErrors(next);
    if (Object.keys(next).length === 0) signUp.mutate({ email, username, password });
  };
  const formError = signUp.error && !Object.keys(errors).length ? errorText(signUp.error, t) : null;

  return (
    <section className="card">
      <h1>{t("signUp.title")}</h1>
      <form onSubmit={submit} noValidate>
        <Field label={t("field.email")} type="email" value={email} onValueChange={setEmail} autoComplete="email" inputMode="email" error={errors.email} required />
        <Field
          label={t("field.username")}
          value={username}
          onValueChange={setUsername}
          autoComplete="username"
          hint={t("signUp.usernameHint")}
          error={errors.username}
          required
        />
        <Field
          label={t("field.password")}
          type="password"
          revealable
          value={password}
          onValueChange={setPassword}
          autoComplete="new-password"
          error={errors.password}
          hint={<PasswordRules rules={rules} strength={strength} withMatch={false} />}
          required
        />
        <FormMessage error={formError} />
        <button type="submit" className="primary" disabled={signUp.isPending}>
          {t("signUp.submit")}
        </button>
      </form>
      <p className="links">
        <span>
          {t("signUp.haveAccount")} <Link href="/sign-in">{t("nav.signIn")}</Link>
        </span>
      </p>
    </section>
  );
}
