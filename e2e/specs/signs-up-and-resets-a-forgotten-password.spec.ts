import type { Request } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectSignedIn,
  expectValidResetPage,
  mailsTo,
  newAccount,
  newPassword,
  openNewestResetLink,
  requestReset,
  signOut,
  signUp,
  submitSignIn,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("signs up, signs out, asks for a reset, sets a new password from the email's link and signs in with it", async ({ page }) => {
  const account = newAccount("reset");
  await signUp(page, account);
  await signOut(page);

  // The sign-in page's "forgot password?" link carries the address typed there.
  await page.goto("/sign-in");
  await page.getByLabel(t.field.account, { exact: true }).fill(account.email);
  await page.getByRole("link", { name: t.signIn.forgot }).click();
  await expect(page).toHaveURL(/\/forgot-password\?email=/);
  await expect(page.getByLabel(t.field.email, { exact: true })).toHaveValue(account.email);
  await requestReset(page, account.email);

  // Every request from the reset page on: with `no-referrer`, none carries a Referer (and so never the token).
  const referers: Promise<string | null>[] = [];
  const onRequest = (request: Request) => referers.push(request.headerValue("referer"));
  page.on("request", onRequest);
  const { href, response } = await openNewestResetLink(page, account.email);
  const token = new URL(href).searchParams.get("token") ?? "";
  expect(token.length).toBeGreaterThanOrEqual(32);
  expect(response.status()).toBe(200);
  expect(response.headers()["referrer-policy"]).toBe("no-referrer");

  await expectValidResetPage(page, account);
  // Read once, then gone from the address bar (history, bookmarks, screenshots).
  await expect(page).toHaveURL((url) => url.pathname === "/reset-password" && url.search === "");
  expect(await page.evaluate(() => window.location.href)).not.toContain(token);

  // The rules follow the typing: a password that is too short, then one that does not match.
  await page.getByLabel(t.field.newPassword, { exact: true }).fill("abc");
  await expect(page.getByRole("listitem").filter({ hasText: t.rules.length })).toContainText(`: ${t.rules.unmet}`);
  await page.getByLabel(t.field.confirmPassword, { exact: true }).fill("abd");
  await expect(page.getByText(t.reset.mismatch, { exact: true })).toBeVisible();
  // The show/hide toggle reveals what was typed.
  const reveal = page.getByRole("button", { name: t.show }).first();
  await reveal.click();
  await expect(reveal).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel(t.field.newPassword, { exact: true })).toHaveAttribute("type", "text");

  const changed = newPassword();
  await chooseNewPassword(page, changed);
  // The success message counts down, then the page moves to sign-in by itself.
  await expect(page).toHaveURL(/\/sign-in$/, { timeout: 10_000 });
  page.off("request", onRequest);
  expect(referers.length).toBeGreaterThan(0);
  expect((await Promise.all(referers)).filter(Boolean)).toEqual([]);

  await submitSignIn(page, account.email, account.password);
  await expect(page.getByRole("alert").filter({ hasText: t.signIn.wrong })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in$/);

  await submitSignIn(page, account.username, changed);
  await expectSignedIn(page, account);

  // The "your password was changed" notice arrives too.
  await mailsTo(page, account.email, t.mailbox.changedSubject);
});
