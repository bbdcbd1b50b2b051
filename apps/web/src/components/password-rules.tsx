"use client";

import { PASSWORD_MAX_LENGTH } from "@rekey/validators";
import { useEffect, useState } from "react";
import { useSite, useT } from "~/i18n/client";
import type { MessageKey } from "~/i18n/messages";

interface Strength {
  score: 0 | 1 | 2 | 3 | 4;
  isCommon: boolean;
}

type Checker = (password: string) => Strength;
let checker: Promise<Checker> | undefined;

/** zxcvbn-ts with the same 49k common passwords the server refuses, loaded on first use. */
function loadChecker(): Promise<Checker> {
  checker ??= Promise.all([import("@zxcvbn-ts/core"), import("@zxcvbn-ts/language-common")]).then(([core, common]) => {
    const zxcvbn = new core.ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
    const blocklist = new Set(common.dictionary["passwords-common"].map((p) => p.toLowerCase()));
    return (password: string) => ({
      score: zxcvbn.check(password).score as Strength["score"],
      isCommon: blocklist.has(password.toLowerCase()),
    });
  });
  return checker;
}

export function usePasswordStrength(password: string): Strength | null {
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

export interface RuleState {
  length: boolean;
  common: boolean;
  match: boolean;
}

/** Which rules the typed password meets, as the user types; `ok` when it can be submitted. */
export function usePasswordRules(password: string, confirmation: string) {
  const { passwordMinLength } = useSite();
  const strength = usePasswordStrength(password);
  const length = Array.from(password).length;
  const rules: RuleState = {
    length: length >= passwordMinLength && length <= PASSWORD_MAX_LENGTH,
    common: password.length > 0 && strength !== null && !strength.isCommon,
    match: password.length > 0 && password === confirmation,
  };
  return { rules, strength, ok: rules.length && rules.common && rules.match };
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
  const items: [keyof RuleState, MessageKey, Record<string, number>?][] = [
    ["length", "rules.length", { min: passwordMinLength, max: PASSWORD_MAX_LENGTH }],
    ["common", "rules.common"],
    ...(withMatch ? [["match", "rules.match"] as [keyof RuleState, MessageKey]] : []),
  ];
  const score = strength?.score ?? 0;
  return (
    <div id={id} className="rules">
      <p className="rules-title">{t("rules.title")}</p>
      <ul>
        {items.map(([key, label, params]) => (
          <li key={key} className={rules[key] ? "rule met" : "rule"}>
            <span aria-hidden="true">{rules[key] ? "✓" : "•"}</span> {t(label, params)}
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
