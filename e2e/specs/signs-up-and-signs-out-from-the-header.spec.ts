import { expect, test } from "../support/fixtures";
import { expectSignedIn, expectSignedOut, newAccount, signIn } from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("signs up after fixing what the form flagged, sees the account in the header on every page, and signs out there", async ({ page }) => {
  const account = newAccount("header");
  await page.goto("/sign-up");
  const email = page.getByLabel(t.field.email, { exact: true });
  const username = page.getByLabel(t.field.username, { exact: true });
  const password = page.getByLabel(t.field.password, { exact: true });
  await page.getByRole("button", { name: t.signUp.submit }).click();
  await expect(page.getByText(t.emailInvalid, { exact: true })).toBeVisible();
  for (const field of [email, username, password]) await expect(field).toHaveAttribute("aria-invalid", "true");

  // Each error goes as soon as its field is right; the others stay until theirs are.
  await email.fill(account.email);
  await expect(page.getByText(t.emailInvalid, { exact: true })).toHaveCount(0);
  await expect(email).not.toHaveAttribute("aria-invalid");
  await expect(username).toHaveAttribute("aria-invalid", "true");
  await username.fill(account.username);
  await expect(username).not.toHaveAttribute("aria-invalid");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await password.fill(account.password);
  await expect(password).not.toHaveAttribute("aria-invalid");
  await page.getByRole("button", { name: t.signUp.submit }).click();
  await expectSignedIn(page, account);

  // The header names the account (its username: the address stays off the header) on every page, and has no
  // "sign in / sign up" any more.
  const banner = page.getByRole("banner");
  const signedIn = banner.getByRole("group", { name: t.header.account });
  await expect(signedIn).toHaveText(`${t.header.signedInAs}${account.username}${t.home.signOut}`);
  await expect(banner.getByRole("link", { name: t.signInLink, exact: true })).toHaveCount(0);
  await page.goto("/forgot-password");
  await expect(signedIn).toContainText(account.username);

  await signedIn.getByRole("button", { name: t.home.signOut }).click();
  await expectSignedOut(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(banner.getByRole("link", { name: t.signInLink, exact: true })).toHaveAttribute("href", "/sign-in");
  await expect(banner.getByRole("link", { name: t.signUpLink, exact: true })).toHaveAttribute("href", "/sign-up");
  await page.reload();
  await expectSignedOut(page);

  // On sign-in too, a "required" error goes once its field is filled in.
  await page.goto("/sign-in");
  await page.getByRole("main").getByRole("button", { name: t.signIn.submit, exact: true }).click();
  await expect(page.getByText(t.required, { exact: true })).toHaveCount(2);
  await page.getByLabel(t.field.account, { exact: true }).fill(account.username);
  await expect(page.getByText(t.required, { exact: true })).toHaveCount(1);
  await signIn(page, account);
  await expect(signedIn).toContainText(account.username);
});
