import { expect, test } from "../support/fixtures";
import {
  expectSignedIn,
  expectValidResetPage,
  newAccount,
  newPassword,
  openNewestResetLink,
  requestReset,
  rule,
  signOut,
  signUp,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("fixes a new password the reset page refused: the error goes once every rule passes; then signs in with the account filled in", async ({
  page,
}) => {
  const account = newAccount("refix");
  await signUp(page, account);
  await signOut(page);

  // The forgot page's error goes too, once the address is one.
  await page.goto("/forgot-password");
  const address = page.getByLabel(t.field.email, { exact: true });
  await address.fill("not an address");
  await page.getByRole("button", { name: t.forgot.submit }).click();
  await expect(page.getByText(t.emailInvalid, { exact: true })).toBeVisible();
  await address.fill(account.email);
  await expect(page.getByText(t.emailInvalid, { exact: true })).toHaveCount(0);
  await requestReset(page, account.email);

  await openNewestResetLink(page, account.email);
  await expectValidResetPage(page, account);
  const newPasswordField = page.getByLabel(t.field.newPassword, { exact: true });
  await newPasswordField.fill("abc");
  await page.getByRole("button", { name: t.reset.submit }).click();
  await expect(page.getByText(t.reset.rulesUnmet, { exact: true })).toBeVisible();
  await expect(newPasswordField).toHaveAttribute("aria-invalid", "true");

  // Typing a good password and its confirmation, without sending: the field says what still stands in the
  // way (the confirmation), and nothing once every rule is met.
  const changed = newPassword();
  await newPasswordField.fill(changed);
  await expect(page.getByText(t.reset.rulesUnmet, { exact: true })).toHaveCount(0);
  await expect(newPasswordField).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel(t.field.confirmPassword, { exact: true }).fill(changed);
  for (const name of [t.rules.length, t.rules.common, t.rules.match]) await expect(rule(page, name)).toContainText(`: ${t.rules.met}`);
  await expect(page.getByText(t.reset.rulesUnmet, { exact: true })).toHaveCount(0);
  await expect(newPasswordField).not.toHaveAttribute("aria-invalid");

  await page.getByRole("button", { name: t.reset.submit }).click();
  await expect(page.getByRole("status").filter({ hasText: t.reset.done })).toBeVisible();
  await page.getByRole("link", { name: t.reset.goSignIn }).click();

  // The sign-in page says what happened and has the account filled in (the username, which the person knows);
  // the address bar keeps neither.
  await expect(page.getByRole("heading", { level: 1, name: t.signIn.title })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: t.signIn.resetDone })).toBeVisible();
  await expect(page.getByLabel(t.field.account, { exact: true })).toHaveValue(account.username);
  await expect(page).toHaveURL((url) => url.pathname === "/sign-in" && url.search === "");
  const password = page.getByLabel(t.field.password, { exact: true });
  await expect(password).toBeFocused();
  await password.fill(changed);
  await page.getByRole("main").getByRole("button", { name: t.signIn.submit, exact: true }).click();
  await expectSignedIn(page, account);
});
