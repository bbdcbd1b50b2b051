import { expect, test } from "../support/fixtures";
import { expectNoSeriousA11yViolations } from "../support/axe";
import { saveScreenshots } from "../support/screenshots";
import { expectDeadLink, expectValidResetPage, newAccount, openNewestResetLink, requestReset, signUp } from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

// Runs against the second server (project "expiry"), whose links live 60 s: there is no test clock on the
// server, so the link really has to age. The wait is on the page's own countdown, not a sleep.
test("a link left open until it expires, and opened again later, says it has expired and offers a new one", async ({ page, browser }, testInfo) => {
  const account = newAccount("expiry");
  await signUp(page, account);
  // The confirmation tells the lifetime this server has: one minute.
  await requestReset(page, account.email, t, 1);
  const { href } = await openNewestResetLink(page, account.email);
  await expectValidResetPage(page, account);

  // The countdown is live: it shows at most a minute and goes down.
  const countdown = page.getByText(t.reset.expiresIn);
  const seconds = async () => {
    const [, m = "0", s = "0"] = t.reset.expiresIn.exec(await countdown.innerText()) ?? [];
    return Number(m) * 60 + Number(s);
  };
  const first = await seconds();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(60);
  await expect.poll(seconds).toBeLessThan(first);

  // At zero the form gives way to the expired message, without the person doing anything.
  await expect(page.getByRole("alert").filter({ hasText: t.reset.expired })).toBeVisible({ timeout: (first + 15) * 1000 });
  await expectDeadLink(page, t.reset.expired);

  // The server agrees: a reload asks it again (the tab kept the token), and so does opening the email's link anew.
  await page.reload();
  await expectDeadLink(page, t.reset.expired);
  const laterContext = await browser.newContext();
  const later = await laterContext.newPage();
  await later.goto(href);
  await expectDeadLink(later, t.reset.expired);
  await saveScreenshots(later, testInfo, "reset-password-expired");
  await expectNoSeriousA11yViolations(later, testInfo, "reset-password-expired");

  await later.getByRole("link", { name: t.reset.requestNew }).click();
  await expect(later.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
  await laterContext.close();
});
