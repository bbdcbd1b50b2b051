import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectDeadLink,
  expectResetRequested,
  expectValidResetPage,
  newAccount,
  newestResetLink,
  newPassword,
  requestReset,
  signOut,
  signUp,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

// CONTRACT §1: slow or greylisted mail must not turn the first link into "invalid link".
test("asks for a link twice: both links work until one of them sets the password", async ({ page, context }) => {
  const account = newAccount("twice");
  await signUp(page, account);
  await signOut(page);
  await requestReset(page, account.email);

  // The mail in another tab; the confirmation page stays open in the first one.
  const inbox = await context.newPage();
  const older = await newestResetLink(inbox, account.email);

  // They ask again with the confirmation page's "send again" (it waits for a fresh captcha).
  await page.getByRole("button", { name: t.forgot.again }).click();
  await expectResetRequested(page, account.email);
  const newest = await newestResetLink(inbox, account.email, t, 2);
  expect(newest).not.toBe(older);

  // The first email arrives late: its link still works.
  await inbox.goto(older);
  await expectValidResetPage(inbox, account);
  await chooseNewPassword(inbox, newPassword());

  // The password is set: every other link of the account is dead.
  await inbox.goto(newest);
  await expectDeadLink(inbox, t.reset.invalid);
});
