import { expect, test } from "../support/fixtures";
import { expectSignedIn, newAccount, signOut, signUp, submitSignIn } from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("mistypes the password five times: the right one still works, after a human check that runs by itself", async ({ page }) => {
  const account = newAccount("typo");
  await signUp(page, account);
  await signOut(page);

  for (let attempt = 1; attempt <= 5; attempt++) {
    await submitSignIn(page, account.username, `wrong-guess-${attempt}`);
    await expect(page.getByRole("alert").filter({ hasText: t.signIn.wrong })).toBeVisible();
  }

  // Too many failures for this account: never a lock-out, but the next attempt must pass the captcha. The
  // page explains why, solves it and sends the attempt again on its own.
  await submitSignIn(page, account.username, account.password);
  await expect(page.getByRole("status").filter({ hasText: t.signIn.captchaWhy })).toBeVisible();
  await expectSignedIn(page, account);
});
