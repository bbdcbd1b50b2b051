import { expect, test } from "../support/fixtures";
import { expectSignedOut, submitSignIn } from "../support/steps";
import { TEXT } from "../support/text";

const zh = TEXT["zh-CN"];
const en = TEXT.en;

// A browser set to English sends `Accept-Language: en-US,en;q=0.9`; nothing has been picked on the site yet.
test.use({ locale: "en-US" });

test("opens the site with an English browser: English pages from the first visit, until the language switcher says otherwise", async ({
  page,
  context,
}) => {
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1, name: en.home.title })).toBeVisible();
  await expectSignedOut(page, en);
  await expect(page.getByRole("group", { name: en.languageGroup }).getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");

  // Every page, the 404 and the server's answers too.
  await page.goto("/no-such-page");
  await expect(page.getByRole("heading", { level: 1, name: en.notFound.title })).toBeVisible();
  await page.getByRole("link", { name: en.notFound.home }).click();
  await expect(page).toHaveURL(/\/$/);
  await submitSignIn(page, "nobody-by-this-name", "not-the-password", en);
  await expect(page.getByRole("alert").filter({ hasText: en.signIn.wrong })).toBeVisible();

  // The switcher wins over the browser, and is remembered.
  await page.getByRole("group", { name: en.languageGroup }).getByRole("button", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1, name: zh.signIn.title })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: zh.signIn.title })).toBeVisible();
  const otherTab = await context.newPage();
  await otherTab.goto("/");
  await expect(otherTab.getByRole("heading", { level: 1, name: zh.home.title })).toBeVisible();
  await otherTab.close();
});
