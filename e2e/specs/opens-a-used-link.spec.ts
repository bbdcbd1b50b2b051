import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectDeadLink,
  expectValidResetPage,
  newAccount,
  newestResetLink,
  newPassword,
  requestReset,
  signUp,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("opening a link does not use it; a link that reset a password says it is used, with a way to a new one", async ({ page, browser }) => {
  const account = newAccount("used");
  await signUp(page, account);
  await requestReset(page, account.email);
  const link = await newestResetLink(page, account.email);

  // A mail scanner (or the person, twice) opens the link first: it stays good.
  const scanner = await browser.newContext();
  const scannerPage = await scanner.newPage();
  await scannerPage.goto(link);
  await expectValidResetPage(scannerPage, account);
  await scanner.close();

  await page.goto(link);
  await expectValidResetPage(page, account);
  // A reload still works: the page kept the token for this tab after taking it out of the address bar.
  await page.reload();
  await expectValidResetPage(page, account);
  await chooseNewPassword(page, newPassword());

  // The same link again, later, in a fresh tab.
  const later = await page.context().newPage();
  await later.goto(link);
  await expectDeadLink(later, t.reset.invalid);
  await later.getByRole("link", { name: t.reset.requestNew }).click();
  await expect(later.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
});
