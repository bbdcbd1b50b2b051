// Shared by the pages and the server: the input/output schemas, the error and message tables, the locale,
// password and email-kind rules. Named, so what is not listed here stays internal. Free of side effects
// (package.json `sideEffects`, all but jitless.ts), so a page bundles only what it imports: no zod without a schema.
export {
  reportPasswordChangeInput,
  reportPasswordChangeOutput,
  requestPasswordResetInput,
  requestPasswordResetOutput,
  resetPasswordInput,
  resetPasswordOutput,
  signInInput,
  signInOutput,
  signOutOutput,
  signUpInput,
  userOutput,
  verifyResetTokenInput,
  verifyResetTokenOutput,
} from "./auth";
export { isEmailAddress } from "./email";
export { EMAIL_KINDS, type EmailKind } from "./email-kinds";
export { ERROR_CODES, type ErrorCode, errorMessage, fill, type IssueLike, issueMessage, issueText } from "./errors";
export { DEFAULT_LOCALE, LOCALE_COOKIE, type Locale, localeFromAcceptLanguage, localeOrDefault, pageLocale } from "./locale";
export { type SuccessKey, successMessage } from "./messages";
export {
  COMMON_PASSWORDS_DICTIONARY,
  type CommonPasswords,
  PASSWORD_MAX_LENGTH,
  PASSWORD_RULES,
  type PasswordRule,
  commonPasswords,
  passwordProblem,
  passwordRuleStates,
} from "./password";
