import { render } from "@react-email/render";
import type { EmailKind } from "@rekey/validators";
import { createElement, type ReactElement } from "react";
import {
  PasswordChangedEmail,
  passwordChangedSubject,
  type PasswordChangedEmailProps,
} from "./templates/password-changed";
import { PasswordResetEmail, passwordResetSubject, type PasswordResetEmailProps } from "./templates/password-reset";

/** The template props of each kind of email; a kind without a template fails to compile. */
interface EmailProps {
  password_reset: PasswordResetEmailProps;
  password_changed: PasswordChangedEmailProps;
}

/** Every email this package can render, tagged by kind. */
export type EmailMessage = { [K in EmailKind]: { kind: K; props: EmailProps[K] } }[EmailKind];

/** A rendered email, ready for any transport. */
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/**
 * Refuses anything but an absolute http(s) URL, so a bad caller can never put `javascript:` or a relative
 * path behind the button.
 */
function assertHttpUrl(value: string, field: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${field} must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${field} must use http or https`);
  }
}

/** Throws a TypeError for an unknown kind, a link that is not an absolute http(s) URL, or a bad expiry. */
export function validateEmail(message: EmailMessage): void {
  switch (message.kind) {
    case "password_reset":
      assertHttpUrl(message.props.link, "link");
      if (!Number.isFinite(message.props.expiresInMinutes) || message.props.expiresInMinutes <= 0) {
        throw new TypeError("expiresInMinutes must be a positive number");
      }
      return;
    case "password_changed":
      assertHttpUrl(message.props.resetUrl, "resetUrl");
      return;
    default: {
      const unknown: never = message;
      throw new TypeError(`unknown email kind: ${(unknown as { kind?: unknown }).kind}`);
    }
  }
}

/** The subject and React tree of a message, unvalidated (precompiled.ts renders trees with placeholders). */
export function buildEmail(message: EmailMessage): { subject: string; element: ReactElement } {
  if (message.kind === "password_reset") {
    return { subject: passwordResetSubject(message.props), element: createElement(PasswordResetEmail, message.props) };
  }
  return { subject: passwordChangedSubject(message.props), element: createElement(PasswordChangedEmail, message.props) };
}

/** Renders a tree to both bodies (the same tree via `@react-email/render`). */
export async function renderTree(subject: string, element: ReactElement): Promise<RenderedEmail> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject, html, text };
}

/**
 * Renders one email to its subject, HTML and plain-text bodies (both bodies from the same React tree via
 * `@react-email/render`). Throws a TypeError for an unknown kind or a link that is not an absolute http(s) URL.
 */
export async function renderEmail(message: EmailMessage): Promise<RenderedEmail> {
  validateEmail(message);
  const { subject, element } = buildEmail(message);
  return renderTree(subject, element);
}
