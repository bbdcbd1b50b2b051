import { render } from "@react-email/render";
import type { EmailKind } from "@rekey/validators";
import { createElement, type ReactElement } from "react";
import { PasswordChangedEmail, passwordChangedSubject, type PasswordChangedEmailProps } from "./templates/password-changed";
import { NoAccountEmail, noAccountSubject, type NoAccountEmailProps } from "./templates/no-account";
import { PasswordResetEmail, passwordResetSubject, type PasswordResetEmailProps } from "./templates/password-reset";

/**
 * The template props of each kind of email: every outbox kind (a kind without a template fails to compile),
 * plus `no_account`, which a password_reset row for an address with no account becomes when
 * PASSWORD_RESET_NOTIFY_UNKNOWN is on.
 */
interface EmailProps {
  password_reset: PasswordResetEmailProps;
  password_changed: PasswordChangedEmailProps;
  no_account: NoAccountEmailProps;
}
type TemplateKind = keyof EmailProps;
/** Fails to compile when an outbox kind has no template. */
const everyKindHasATemplate: [Exclude<EmailKind, TemplateKind>] extends [never] ? true : never = true;
void everyKindHasATemplate;

/** Every email this package can render, tagged by kind. */
export type EmailMessage = { [K in TemplateKind]: { kind: K; props: EmailProps[K] } }[TemplateKind];

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
      assertHttpUrl(message.props.secureUrl, "secureUrl");
      return;
    case "no_account":
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
  if (message.kind === "no_account") {
    return { subject: noAccountSubject(message.props), element: createElement(NoAccountEmail, message.props) };
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
