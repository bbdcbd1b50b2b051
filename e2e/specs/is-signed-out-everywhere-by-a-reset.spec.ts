import { test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectSignedIn,
  expectSignedOut,
  expectValidResetPage,
  newAccount,
  newPassword,
  openNewestResetLink,
  requestReset,
  signIn,
  signUp,
} from "../support/steps";

test("a session open in another browser is signed out when the password is reset", async ({ page, browser }) => {
  const account = newAccount("sessions");
  await signUp(page, account);

  // The same person, signed in on another device (a separate browser context: its own cookies).
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signIn(other, account);
  await other.reload();
  await expectSignedIn(other, account);

  // Back on the first device, still signed in there, they reset their password.
  await requestReset(page, account.email);
  await openNewestResetLink(page, account.email);
  await expectValidResetPage(page, account);
  await chooseNewPassword(page, newPassword());

  // Every session ends: the other device's and this one's.
  await other.reload();
  await expectSignedOut(other);
  await page.goto("/");
  await expectSignedOut(page);
  await otherContext.close();
});
