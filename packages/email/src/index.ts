export { createEmailRenderer, type EmailRenderer } from "./precompiled";
export { renderEmail, type EmailMessage, type RenderedEmail } from "./render";
export { createResendTransport, parseRetryAfter, type ResendTransportOptions } from "./resend-transport";
export type { SendInput, SendResult, Transport } from "./transport";
export { PasswordResetEmail, passwordResetStrings, passwordResetSubject, type PasswordResetEmailProps } from "./templates/password-reset";
export { PasswordChangedEmail, passwordChangedStrings, passwordChangedSubject, type PasswordChangedEmailProps } from "./templates/password-changed";
