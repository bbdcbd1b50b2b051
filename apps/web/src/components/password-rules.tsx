"use client";

import {
  COMMON_PASSWORDS_DICTIONARY,
  PASSWORD_MAX_LENGTH,
  PASSWORD_RULES,
  commonPasswords,
  passwordRuleStates,
  type PasswordRule,
} from "@rekey/validators";
import { useEffect, useState } from "react";
import { useSite, useT } from "~/i18n/client";
import type { MessageKey } from "~/i18n/messages";

interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  isCommon: boolean;
}

type Checker = (password: string) => Strength;
let checker: Promise<Checker> | undefined;

/** zxcvbn-ts, and the policy's blocklist (the one the server refuses), loaded on first use. */
function loadChecker(): Promise<Checker> {
  checker ??= Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common")]).then(([core, common]) => {
    const zxcvbn = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
    const blocklist = commonPasswords(common.dictionary[COMMON_PASSWORDS_DICTIONARY]);
    return (password: string) => ({
      score: zxcvbn.check(password).score as Strength["score"],
      isCommon: blocklist.has(password),
    });
  });
  return checker;
}

/** Starts loading the checker (about 250 KB gzip) as the password field gains focus, before the first key. */
export function preloadPasswordChecker(): void {
  void loadChecker();
}

function usePasswordStrength(password: string): Strength | null {
  const [strength, setStrength] = useState<Strength | null>(null);
  useEffect(() => {
    let live = true;
    if (!password) {
      setStrength(null);
      return;
    }
    void loadChecker().then((check) => live && setStrength(check(password)));
    return () => {
      live = false;
    };
  }, [password]);
  return strength;
}

/** The policy's rules, plus the form's own: both entries match. */
export type RuleState = Record<PasswordRule | "match", boolean>;

/** Which rules the typed password meets, as the user types; `ok` when it can be submitted. */
export function usePasswordRules(password: string, confirmation: string) {
  const { passwordMinLength } = useSite();
  const strength = usePasswordStrength(password);
  // Until the blocklist has loaded, and for an empty field, "not a common password" is not yet met.
  const policy = passwordRuleStates(password, {
    minLength: passwordMinLength,
    isCommon: () => password.length === 0 || strength === null || strength.isCommon,
  });
  const rules: RuleState = { ...policy, match: password.length > 0 && password === confirmation };
  return { rules, strength, ok: Object.values(rules).every(Boolean) };
}

export function PasswordRules({
  rules,
  strength,
  id,
  withMatch = true,
}: {
  rules: RuleState;
  strength: Strength | null;
  id?: string;
  withMatch?: boolean;
}) {
  const t = useT();
  const { passwordMinLength } = useSite();
  const params: Partial<Record<keyof RuleState, Record<string, number>>> = {
    length: { min: passwordMinLength, max: PASSWORD_MAX_LENGTH },
  };
  const items: (keyof RuleState)[] = [...PASSWORD_RULES, ...(withMatch ? ["match" as const] : [])];
  const score = strength?.score ?? 0;
  return (
    <div id={id} className="rules">
      <p className="rules-title">{t("rules.title")}</p>
      <ul>
        {items.map((key) => (
          <li key={key} className={rules[key] ? "rule met" : "rule"}>
            <span aria-hidden="true">{rules[key] ? "✓" : "•"}</span> {t(`rules.${key}`, params[key])}
            <span className="visually-hidden">: {rules[key] ? t("rules.met") : t("rules.unmet")}</span>
          </li>
        ))}
      </ul>
      <div className="strength">
        <span>{t("strength.label")}:</span>
        <meter min={0} max={4} low={2} high={3} optimum={4} value={strength ? score : 0} aria-label={t("strength.short")} />
        <span>{strength ? t(`strength.${score}` as MessageKey) : "—"}</span>
      </div>
    </div>
  );
}
