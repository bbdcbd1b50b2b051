"use client";

import "altcha/types/react";
import { forwardRef, useEffect, useImperativeHandle, useRef, type ReactNode } from "react";
import { useSite, useT } from "~/i18n/client";

const CAPTCHA_CHALLENGE_URL = "/api/captcha/challenge";

export interface CaptchaHandle {
  /** A fresh challenge (a solution is good for one request). */
  reset(): void;
}

/**
 * ALTCHA proof of work, self-hosted: the widget fetches a challenge from our API and solves it in the
 * background as the page opens, so a person waits about a second and never solves a puzzle. Placed just
 * before the button it unlocks, as wide as the form. `children`: news about the check for screen readers
 * (the widget shows its state to the eye).
 */
export const Captcha = forwardRef<CaptchaHandle, { onPayload(payload: string | null): void; children?: ReactNode }>(function Captcha(
  { onPayload, children },
  ref,
) {
  const widget = useRef<HTMLElement & { reset?: () => void; verify?: () => Promise<unknown> }>(null);
  const { locale } = useSite();
  const t = useT();
  const onPayloadRef = useRef(onPayload);
  onPayloadRef.current = onPayload;

  useImperativeHandle(ref, () => ({
    reset() {
      onPayloadRef.current(null);
      widget.current?.reset?.();
      void widget.current?.verify?.();
    },
  }));

  useEffect(() => {
    const element = widget.current;
    const onState = (event: Event) => {
      const { state, payload } = (event as CustomEvent<{ state: string; payload?: string }>).detail;
      onPayloadRef.current(state === "verified" && payload ? payload : null);
    };
    element?.addEventListener("statechange", onState);
    // The widget touches window and customElements: load it in the browser only, translations after it.
    void import("altcha").then(() => import("altcha/i18n/zh-cn"));
    return () => element?.removeEventListener("statechange", onState);
  }, []);

  return (
    <div className="captcha" aria-label={t("captcha.label")} role="group">
      <altcha-widget ref={widget} challenge={CAPTCHA_CHALLENGE_URL} auto="onload" language={locale === "en" ? "en" : "zh-cn"} name="captcha" />
      <p className="visually-hidden" role="status">
        {children}
      </p>
    </div>
  );
});
