import { expect, type Page } from "@playwright/test";
import {
  expectDeadLink,
  expectSignedIn,
  expectSignedOut,
  expectValidResetPage,
  mailsTo,
  newAccount,
  newPassword,
  openNewestResetLink,
  openNewestSecureAccountLink,
  rule,
  signOut,
  submitResetCode,
  submitSignIn,
} from "./steps";
import { TEXT } from "./text";

const t = TEXT["zh-CN"];

/**
 * Called once the page shows the named state (and nothing on it is still loading). `held`: a passing state
 * (it moves on by itself) whose page clock is paused during the visit, so nothing in the page that waits on a
 * timer can run meanwhile (axe-core, for one, would wait forever).
 */
export type StateVisitor = (state: string, options?: { held?: boolean }) => Promise<void>;

/** Waits until the forgot page's captcha is solved, so the page is in its settled look. */
async function captchaSolved(page: Page): Promise<void> {
  await expect(page.getByText(t.captchaVerifying, { exact: true })).toHaveCount(0);
}

/**
 * Walks one new person through every page and each state a page can show, in the default language, and calls
 * `visit` at each: home (signed out, signed in), sign-up (empty, errors, filled), sign-in (empty, wrong
 * password, locked), forgot (form, error, sent, "I have a code" and a wrong code), the mailbox, reset
 * (valid, rules, done, no token, invalid) and secure-account (open, done, invalid). The expired state needs
 * a short-lived link and is visited by the expiry spec.
 */
export async function visitEveryPageState(page: Page, visit: StateVisitor): Promise<void> {
  const account = newAccount("tour");

  await page.goto("/");
  await expectSignedOut(page);
  await visit("home-signed-out");

  await page.goto("/sign-up");
  await expect(page.getByRole("heading", { level: 1, name: t.signUp.title })).toBeVisible();
  await visit("sign-up");
  await page.getByRole("button", { name: t.signUp.submit }).click();
  await expect(page.getByText(t.emailInvalid, { exact: true })).toBeVisible();
  await visit("sign-up-errors");
  await page.getByLabel(t.field.email, { exact: true }).fill(account.email);
  await page.getByLabel(t.field.username, { exact: true }).fill(account.username);
  await page.getByLabel(t.field.password, { exact: true }).fill(account.password);
  await expect(rule(page, t.rules.common)).toContainText(`: ${t.rules.met}`);
  await visit("sign-up-filled");
  await page.getByRole("button", { name: t.signUp.submit }).click();
  await expectSignedIn(page, account);
  await visit("home-signed-in");

  await signOut(page);
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { level: 1, name: t.signIn.title })).toBeVisible();
  await visit("sign-in");
  await submitSignIn(page, account.username, "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: t.signIn.wrong })).toBeVisible();
  await visit("sign-in-wrong-password");

  await page.goto("/forgot-password");
  await captchaSolved(page);
  await visit("forgot-password");
  await page.getByLabel(t.field.email, { exact: true }).fill("not an address");
  await page.getByRole("button", { name: t.forgot.submit }).click();
  await expect(page.getByText(t.emailInvalid, { exact: true })).toBeVisible();
  await visit("forgot-password-error");
  await page.getByLabel(t.field.email, { exact: true }).fill(account.email);
  await page.getByRole("button", { name: t.forgot.submit }).click();
  await expect(page.getByRole("heading", { level: 1, name: t.forgot.sentTitle })).toBeVisible();
  await captchaSolved(page);
  await visit("forgot-password-sent");
  await page.getByRole("button", { name: t.forgot.haveCode }).click();
  await expect(page.getByRole("heading", { level: 1, name: t.code.title })).toBeVisible();
  await visit("forgot-password-code");
  // One wrong code of the five an address may get: the link and code of this email stay good.
  await submitResetCode(page, account.email, "0000 0000");
  await expect(page.getByRole("alert").filter({ hasText: t.code.wrong })).toBeVisible();
  await visit("forgot-password-code-wrong");

  await mailsTo(page, account.email, t.mailbox.resetSubject);
  await visit("mailbox");

  // A controllable clock in this page (it runs at normal speed until paused below).
  await page.clock.install();
  await openNewestResetLink(page, account.email);
  await expectValidResetPage(page, account);
  await visit("reset-password-valid");
  await page.getByLabel(t.field.newPassword, { exact: true }).fill("abc");
  await page.getByLabel(t.field.confirmPassword, { exact: true }).fill("abcd");
  await expect(page.getByText(t.reset.mismatch, { exact: true })).toBeVisible();
  await visit("reset-password-rules");
  const password = newPassword();
  await page.getByLabel(t.field.newPassword, { exact: true }).fill(password);
  await page.getByLabel(t.field.confirmPassword, { exact: true }).fill(password);
  await expect(rule(page, t.rules.common)).toContainText(`: ${t.rules.met}`);
  await page.getByRole("button", { name: t.reset.submit }).click();
  await expect(page.getByRole("status").filter({ hasText: t.reset.done })).toBeVisible();
  // This state lasts five seconds before the page moves on to sign-in: the page's clock is held while it is
  // looked at (the server is not involved any more), then let go to check that the page does move on.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 100);
  await visit("reset-password-done", { held: true });
  await page.clock.resume();
  await expect(page).toHaveURL(/\/sign-in$/, { timeout: 10_000 });

  // (In this order: the tab remembers the last token it was given, so a bare address re-checks that one.)
  await page.goto("/reset-password");
  await expectDeadLink(page, t.reset.missing);
  await visit("reset-password-no-token");

  await page.goto("/reset-password?token=this-link-was-mangled-by-a-mail-client");
  await expectDeadLink(page, t.reset.invalid);
  await visit("reset-password-invalid");

  // The reset sent a "password changed" email: its "this wasn't me" page, before and after confirming.
  await openNewestSecureAccountLink(page, account.email);
  await visit("secure-account");
  await page.getByRole("button", { name: t.secure.confirm }).click();
  await expect(page.getByRole("status").filter({ hasText: t.secure.done })).toBeVisible();
  await visit("secure-account-done");
  await submitSignIn(page, account.email, password);
  await expect(page.getByRole("alert").filter({ hasText: t.signIn.locked })).toBeVisible();
  await visit("sign-in-locked");

  await page.goto("/secure-account?token=this-link-was-mangled-by-a-mail-client");
  await page.getByRole("button", { name: t.secure.confirm }).click();
  await expect(page.getByRole("alert").filter({ hasText: t.secure.invalid })).toBeVisible();
  await visit("secure-account-invalid");
}
