/** RFC 5321 caps an address at 254 characters. */
export const EMAIL_MAX_LENGTH = 254;

/**
 * What an address must look like: zod's own email pattern, handed to `z.email` by auth.ts and written here
 * so that a page can check an address without bundling zod.
 */
// eslint-disable-next-line no-useless-escape -- zod's source verbatim, which email.test.ts compares
export const EMAIL_PATTERN = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

/** Whether the API takes this typed address (the `email` field of its inputs: trimmed, then checked). */
export function isEmailAddress(value: string): boolean {
  const address = value.trim();
  return address.length <= EMAIL_MAX_LENGTH && EMAIL_PATTERN.test(address);
}
