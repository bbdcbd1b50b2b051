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

const zh = TEXT["zh-CN"];
const en = TEXT.en;

test("switches to English, and signs up, resets and signs in entirely in English", async ({ page, context }) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  const languages = page.getByRole("group", { name: zh.languageGroup });
  await expect(languages.getByRole("button", { name: "中文" })).toHaveAttribute("aria-pressed", "true");
  await languages.getByRole("button", { name: "English" }).click();

  await expect(page.getByRole("heading", { level: 1, name: en.home.title })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("group", { name: en.languageGroup }).getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");

  // Remembered: a reload, and a new tab, open in English.
  await page.reload();
  await expect(page.getByText(en.home.signedOut, { exact: true })).toBeVisible();
  const otherTab = await context.newPage();
  await otherTab.goto("/sign-in");
  await expect(otherTab.getByRole("heading", { level: 1, name: en.signIn.title })).toBeVisible();
  await otherTab.close();

  const account = newAccount("english");
  await signUp(page, account, en);
  await signOut(page, en);

  await page.goto("/sign-in");
  await page.getByLabel(en.field.account, { exact: true }).fill(account.email);
  await page.getByRole("link", { name: en.signIn.forgot }).click();
  await expect(page.getByLabel(en.field.email, { exact: true })).toHaveValue(account.email);
  await requestReset(page, account.email, en);

  // The language travels with the request: the email is in English too.
  const { response } = await openNewestResetLink(page, account.email, en);
  expect(response.headers()["referrer-policy"]).toBe("no-referrer");
  await expectValidResetPage(page, account, en);
  await expect(page).toHaveURL((url) => url.search === "");

  const changed = newPassword();
  await chooseNewPassword(page, changed, en);
  await expect(page).toHaveURL(/\/sign-in$/, { timeout: 10_000 });
  await expect(page.getByRole("heading", { level: 1, name: en.signIn.title })).toBeVisible();

  await submitSignIn(page, account.email, account.password, en);
  await expect(page.getByRole("alert").filter({ hasText: en.signIn.wrong })).toBeVisible();
  await submitSignIn(page, account.email, changed, en);
  await expectSignedIn(page, account, en);

  await mailsTo(page, account.email, en.mailbox.changedSubject, 1, en);
});
