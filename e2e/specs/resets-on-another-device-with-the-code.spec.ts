import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectSignedIn,
  expectValidResetPage,
  newAccount,
  newestResetCode,
  newPassword,
  requestReset,
  signOut,
  signUp,
  submitResetCode,
  submitSignIn,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

// CONTRACT §4a: the email is read on a phone, the password is reset on a computer that never saw the link.
test("asks for a reset, reads the code on one device, and sets a new password with it on another", async ({ page, browser }) => {
  const account = newAccount("code");
  await signUp(page, account);
  await signOut(page);
  await requestReset(page, account.email);
  const code = await newestResetCode(page, account.email);

  // Another device: a browser with nothing of the first one (no cookie, no storage, no link).
  const computer = await (await browser.newContext()).newPage();
  await computer.goto("/forgot-password");
  await expect(computer.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
  await computer.getByRole("button", { name: t.forgot.haveCode }).click();
  await expect(computer.getByRole("heading", { level: 1, name: t.code.title })).toBeVisible();
  await expect(computer.getByLabel(t.field.email, { exact: true })).toHaveValue("");
  await submitResetCode(computer, account.email, code);

  await expectValidResetPage(computer, account, t, "code");
  // Neither the code nor the address travels in the address bar.
  await expect(computer).toHaveURL((url) => url.pathname === "/reset-password" && url.search === "");
  const changed = newPassword();
  await chooseNewPassword(computer, changed);
  // Straight on to sign-in (without waiting for the countdown): the page says the password changed.
  await computer.getByRole("link", { name: t.reset.goSignIn }).click();
  await expect(computer.getByRole("status").filter({ hasText: t.signIn.resetDone })).toBeVisible();
  await expect(computer.getByLabel(t.field.account, { exact: true })).toHaveValue(account.username);

  await submitSignIn(computer, account.email, changed);
  await expectSignedIn(computer, account);
  await computer.context().close();
});
