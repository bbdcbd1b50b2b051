/**
 * The password policy: the one statement of what a new password must be, read by the page's checklist and
 * enforced by the service. The minimum comes from configuration (`PASSWORD_MIN_LENGTH`); the blocklist is
 * data, loaded by whoever checks it, and compared the way `commonPasswords` does.
 */

/** The hard ceiling, in characters as a person counts them. */
export const PASSWORD_MAX_LENGTH = 128;

/** The blocklist: this dictionary of `@zxcvbn-ts/language-common` (NIST 800-63B's common passwords). */
export const COMMON_PASSWORDS_DICTIONARY = "passwords-common";

/** The policy's rules, in the order they apply and the checklist shows them. */
export const PASSWORD_RULES = ["length", "common"] as const;
export type PasswordRule = (typeof PASSWORD_RULES)[number];

/** What a check needs besides the password: the configured minimum, and the blocklist. */
export interface PasswordPolicy {
  minLength: number;
  isCommon: (password: string) => boolean;
}

/** A rule a password breaks, as the error code (and its message's params) the service answers with. */
export type PasswordProblem =
  | { rule: "length"; code: "PASSWORD_TOO_SHORT"; params: { min: number } }
  | { rule: "length"; code: "PASSWORD_TOO_LONG"; params: { max: number } }
  | { rule: "common"; code: "PASSWORD_TOO_COMMON"; params: Record<string, never> };

/** A blocklist as the policy compares it: case-insensitively. */
export interface CommonPasswords {
  readonly size: number;
  has: (password: string) => boolean;
}

const fold = (password: string): string => password.toLowerCase();

/** Length as a person counts it: code points, so an emoji is one character, not two UTF-16 units. */
function passwordLength(password: string): number {
  return Array.from(password).length;
}

/** The blocklist built from a list of common passwords (the `COMMON_PASSWORDS_DICTIONARY`). */
export function commonPasswords(list: readonly string[]): CommonPasswords {
  const set = new Set(list.map(fold));
  return { size: set.size, has: (password) => set.has(fold(password)) };
}

/** Every rule the password breaks, in the policy's order (at most one per rule). */
function passwordProblems(password: string, policy: PasswordPolicy): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = passwordLength(password);
  if (length < policy.minLength) problems.push({ rule: "length", code: "PASSWORD_TOO_SHORT", params: { min: policy.minLength } });
  else if (length > PASSWORD_MAX_LENGTH) problems.push({ rule: "length", code: "PASSWORD_TOO_LONG", params: { max: PASSWORD_MAX_LENGTH } });
  if (policy.isCommon(password)) problems.push({ rule: "common", code: "PASSWORD_TOO_COMMON", params: {} });
  return problems;
}

/** The first rule the password breaks (the one the service answers with), or null when it meets them all. */
export function passwordProblem(password: string, policy: PasswordPolicy): PasswordProblem | null {
  return passwordProblems(password, policy)[0] ?? null;
}

/** Whether the password meets each rule, for a checklist that shows them all at once. */
export function passwordRuleStates(password: string, policy: PasswordPolicy): Record<PasswordRule, boolean> {
  const broken = new Set(passwordProblems(password, policy).map((problem) => problem.rule));
  return { length: !broken.has("length"), common: !broken.has("common") };
}
