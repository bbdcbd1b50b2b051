import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectSignedIn,
  expectSignedOut,
  expectValidResetPage,
  newAccount,
  newestResetLink,
  newPassword,
  openNewestResetLink,
  openNewestSecureAccountLink,
  requestReset,
  signIn,
  signUp,
  submitSignIn,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

// CONTRACT §4a "This wasn't me": opening the page never acts; confirming signs everyone out and locks password
// sign-in until the owner completes a reset.
test("reports a password change as not theirs, is locked out with the intruder, and signs in again after a reset", async ({ page, browser }) => {
  const owner = newAccount("owner");
  await signUp(page, owner);

  // Someone else, with a reset link to the owner's address (read from the owner's mail), sets a password.
  const intruder = await (await browser.newContext()).newPage();
  await requestReset(intruder, owner.email);
  await intruder.goto(await newestResetLink(intruder, owner.email));
  await expectValidResetPage(intruder, owner);
  const stolen = { ...owner, password: newPassword() };
  await chooseNewPassword(intruder, stolen.password);
  await signIn(intruder, stolen);

  // The owner opens the "password changed" email's "this wasn't me" link. The page explains; it does nothing yet.
  const href = await openNewestSecureAccountLink(page, owner.email);
  const token = new URL(href).searchParams.get("token") ?? "";
  await expect(page).toHaveURL((url) => url.pathname === "/secure-account" && url.search === "");
  expect(await page.evaluate(() => window.location.href)).not.toContain(token);
  for (const effect of t.secure.effects) await expect(page.getByRole("listitem").filter({ hasText: effect })).toBeVisible();
  await intruder.reload();
  await expectSignedIn(intruder, stolen);

  await page.getByRole("button", { name: t.secure.confirm }).click();
  const done = page.getByRole("status").filter({ hasText: t.secure.done });
  await expect(done).toBeVisible();
  await expect(done.getByRole("link", { name: t.secure.reset })).toHaveAttribute("href", "/forgot-password");

  // The intruder is signed out, and the password they set no longer signs in: the page says why and what to do.
  await intruder.reload();
  await expectSignedOut(intruder);
  await submitSignIn(intruder, owner.email, stolen.password);
  const locked = intruder.getByRole("alert").filter({ hasText: t.signIn.locked });
  await expect(locked).toBeVisible();
  await expect(locked.getByRole("link", { name: t.secure.reset })).toHaveAttribute("href", /^\/forgot-password/);
  await expect(intruder).toHaveURL(/\/sign-in$/);
  await intruder.context().close();

  // The owner asks for a new link from the page, sets a password, and signs in with it.
  await done.getByRole("link", { name: t.secure.reset }).click();
  await requestReset(page, owner.email);
  await openNewestResetLink(page, owner.email, t, 2);
  await expectValidResetPage(page, owner);
  const mine = { ...owner, password: newPassword() };
  await chooseNewPassword(page, mine.password);
  await page.getByRole("link", { name: t.reset.goSignIn }).click();
  await signIn(page, mine);
});
