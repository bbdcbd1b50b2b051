"use client";

import { useId, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { useT } from "~/i18n/client";

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "onChange"> {
  label: string;
  value: string;
  onValueChange(value: string): void;
  error?: string | null;
  hint?: ReactNode;
  /** Render a show/hide toggle (password fields). */
  revealable?: boolean;
}

/**
 * A labelled input whose hint and error are tied to it with aria-describedby. The error line always
 * takes its space, so nothing moves when an error appears; it is announced politely.
 */
export function Field({ label, value, onValueChange, error, hint, revealable, type = "text", ...rest }: FieldProps) {
  const id = useId();
  const t = useT();
  const [revealed, setRevealed] = useState(false);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-control">
        <input
          id={id}
          type={revealable && revealed ? "text" : type}
          value={value}
          onChange={(event) => onValueChange(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, error ? errorId : undefined].filter(Boolean).join(" ") || undefined}
          {...rest}
        />
        {revealable ? (
          <button type="button" className="reveal" aria-controls={id} aria-pressed={revealed} onClick={() => setRevealed((v) => !v)}>
            {/* Named "Show"/"显示" only, so finding the field by its label never also finds this button. */}
            {t("password.show")}
          </button>
        ) : null}
      </div>
      {hint ? (
        <div id={hintId} className="hint">
          {hint}
        </div>
      ) : null}
      <p id={errorId} className="field-error" aria-live="polite">
        {error ?? ""}
      </p>
    </div>
  );
}

/** The form-wide message line: errors are announced assertively, other news politely. */
export function FormMessage({ error, children }: { error?: string | null; children?: ReactNode }) {
  return (
    <div className={error ? "form-message form-error" : "form-message"} role={error ? "alert" : "status"} aria-live={error ? "assertive" : "polite"}>
      {error ?? children ?? ""}
    </div>
  );
}

/** The email address field every form uses: one label, keyboard and autofill hint. */
export function EmailField(props: Omit<FieldProps, "label" | "type" | "inputMode" | "autoComplete">) {
  const t = useT();
  return <Field label={t("field.email")} type="email" inputMode="email" autoComplete="email" required {...props} />;
}
