"use client";

import { PASSWORD_MAX_LENGTH, signUpInput } from "@rekey/validators";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { domainCode, errorText } from "~/components/errors";
import { EmailField, Field, FormMessage } from "~/components/field";
import { PasswordRules, preloadPasswordChecker, usePasswordRules } from "~/components/password-rules";
import { useSite, useT } from "~/i18n/client";
import { api } from "~/trpc/react";

type FieldName = "email" | "username" | "password";
type Errors = Partial<Record<FieldName, string>>;
type Values = Record<FieldName, string>;

export function SignUpView() {
  const t = useT();
  const { passwordMinLength } = useSite();
  const router = useRouter();
  const utils = api.useUtils();
  const [email, setEmail] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  /** The fields a submit found wrong: from then on each says what is wrong with it now, nothing once it is right. */
  const [flagged, setFlagged] = useState<Partial<Record<FieldName, true>>>({});
  /** The server's refusal of one value (taken, too common...): shown until that field is edited. */
  const [refused, setRefused] = useState<{ field: FieldName; value: string; message: string } | null>(null);
  const { rules, strength } = usePasswordRules(password, password);
  const signUp = api.auth.signUp.useMutation({
    onSuccess: async () => {
      await utils.auth.me.invalidate();
      router.push("/");
    },
    onError: (error, variables) => {
      // Put the server's answer next to the field it is about.
      const code = domainCode(error);
      const field: FieldName | null =
        code === "EMAIL_TAKEN" ? "email" : code === "USERNAME_TAKEN" ? "username" : code?.startsWith("PASSWORD_") ? "password" : null;
      setRefused(field ? { field, value: variables[field], message: error.message } : null);
    },
  });

  /** What is wrong with each field as typed now. */
  const problems = (values: Values): Errors => {
    const found: Errors = {};
    const parsed = signUpInput.safeParse(values);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as FieldName;
        found[field] ??= field === "email" ? t("error.emailInvalid") : field === "username" ? t("signUp.usernameHint") : t("error.required");
      }
    }
    if (!rules.length) found.password ??= t("rules.length", { min: passwordMinLength, max: PASSWORD_MAX_LENGTH });
    return found;
  };
  const values: Values = { email, username, password };
  const now = problems(values);
  const errors: Errors = {};
  for (const field of ["email", "username", "password"] as const) {
    if (refused?.field === field && refused.value === values[field]) errors[field] = refused.message;
    else if (flagged[field]) errors[field] = now[field];
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields = Object.keys(now) as FieldName[];
    setFlagged(Object.fromEntries(fields.map((field) => [field, true])));
    if (fields.length === 0) signUp.mutate(values);
  };
  // A refusal about one field is shown next to it, not again for the whole form.
  const formError = signUp.error && refused === null ? errorText(signUp.error, t) : null;

  return (
    <section className="card">
      <h1>{t("signUp.title")}</h1>
      <form onSubmit={submit} noValidate>
        <EmailField value={email} onValueChange={setEmail} error={errors.email} />
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
          onFocus={preloadPasswordChecker}
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
