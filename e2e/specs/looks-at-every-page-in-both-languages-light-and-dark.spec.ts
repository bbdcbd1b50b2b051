import type { Locator } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import { expectNoA11yViolations } from "../support/axe";
import { shootInEveryScheme } from "../support/screenshots";
import { expectSignedIn, expectSignedOut, expectValidResetPage, mailsTo, newAccount, openNewestResetLink, signOut } from "../support/steps";
import { TEXT, type Locale } from "../support/text";

// The two languages run side by side, each on its own account.
test.describe.configure({ mode: "parallel" });

for (const locale of ["zh-CN", "en"] as const satisfies readonly Locale[]) {
  const t = TEXT[locale];

  test(`looks at every page in ${locale}, light and dark, at 1280 and 390 px, with no accessibility violation at all`, async ({
    page,
    context,
    baseURL,
  }, testInfo) => {
    // Seven states, each shot four times with an axe run per shot, beside the other language's tour: ~90 s on
    // two busy cores, so this tour gets the same budget as looks-at-every-page.
    test.setTimeout(240_000);
    // The language picked with the switcher, remembered in its cookie.
    await context.addCookies([{ name: "rekey_locale", value: locale, url: baseURL! }]);
    /**
     * Screenshots in both schemes and widths; axe with every rule in the light scheme, and in the dark one
     * the rule the scheme can change (contrast). Any violation, of any impact, fails.
     */
    const look = (state: string, part?: Locator) =>
      shootInEveryScheme(page, testInfo, `${locale}-${state}`, {
        part,
        each: (name) => expectNoA11yViolations(page, testInfo, name, name.endsWith("-dark") ? ["color-contrast"] : undefined),
      });

    await page.goto("/");
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await expectSignedOut(page, t);
    await expect(page.getByRole("banner").getByRole("link", { name: t.signInLink, exact: true })).toBeVisible();
    await look("home");

    await page.goto("/sign-in");
    await expect(page.getByRole("heading", { level: 1, name: t.signIn.title })).toBeVisible();
    await look("sign-in");

    const response = await page.goto("/this-page-does-not-exist");
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1, name: t.notFound.title })).toBeVisible();
    await expect(page).toHaveTitle(new RegExp(`^${t.notFound.title}`));
    await look("not-found");

    // The "this wasn't me" page as the email's link opens it: the explanation and its button (nothing acts yet).
    await page.goto("/secure-account?token=not-a-real-token");
    await expect(page.getByRole("heading", { level: 1, name: t.secure.title })).toBeVisible();
    await expect(page.getByRole("button", { name: t.secure.confirm })).toBeVisible();
    await look("secure-account");

    await page.goto("/sign-up");
    await expect(page.getByRole("heading", { level: 1, name: t.signUp.title })).toBeVisible();
    await look("sign-up");
    const account = newAccount(`look${locale === "en" ? "en" : "zh"}`);
    await page.getByLabel(t.field.email, { exact: true }).fill(account.email);
    await page.getByLabel(t.field.username, { exact: true }).fill(account.username);
    await page.getByLabel(t.field.password, { exact: true }).fill(account.password);
    await page.getByRole("button", { name: t.signUp.submit }).click();
    await expectSignedIn(page, account, t);
    await signOut(page, t);

    await page.goto("/forgot-password");
    await expect(page.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
    await expect(page.getByText(t.captchaVerifying, { exact: true })).toHaveCount(0);
    await look("forgot-password");
    await page.getByLabel(t.field.email, { exact: true }).fill(account.email);
    await page.getByRole("button", { name: t.forgot.submit }).click();
    await expect(page.getByRole("heading", { level: 1, name: t.forgot.sentTitle })).toBeVisible();

    // The mailbox lists every test's mail: this person's email is shot, with its HTML preview open.
    const mail = (await mailsTo(page, account.email, t.mailbox.resetSubject, 1, t)).first();
    // Sent at a readable local time (APP_TIMEZONE, Asia/Shanghai by default), not an ISO string.
    await expect(mail.locator("time")).toHaveText(/GMT\+8\)$/);
    await mail.getByText(t.mailbox.html, { exact: true }).click();
    // The preview is as tall as the email (not a box it scrolls in) and as wide as the page.
    const preview = mail.locator("iframe");
    await expect.poll(async () => (await preview.boundingBox())?.height ?? 0).toBeGreaterThan(500);
    await look("mailbox", mail);

    await openNewestResetLink(page, account.email, t);
    await expectValidResetPage(page, account, t);
    await look("reset-password");
  });
}
