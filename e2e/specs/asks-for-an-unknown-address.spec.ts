import type { Page } from "@playwright/test";
import { expect, test } from "../support/fixtures";
import { mailsTo, newAccount, requestReset, signUp } from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

/** What the confirmation says and offers, with the typed address replaced by a placeholder. */
async function confirmation(page: Page, email: string) {
  const main = page.getByRole("main");
  // Compared once the captcha for a next request is solved again (its widget is part of the page).
  await expect(main.getByRole("button", { name: t.forgot.again })).toBeEnabled();
  return {
    heading: await main.getByRole("heading", { level: 1 }).innerText(),
    text: (await main.innerText()).replaceAll(email, "<email>"),
    buttons: await main.getByRole("button").allInnerTexts(),
    links: await main.getByRole("link").allInnerTexts(),
  };
}

test("the forgot page answers an unknown address exactly as it answers a known one", async ({ page }) => {
  const known = newAccount("known");
  await signUp(page, known);
  const unknown = newAccount("nobody").email;

  await requestReset(page, unknown);
  const forUnknown = await confirmation(page, unknown);

  await page.goto("/forgot-password");
  await requestReset(page, known.email);
  const forKnown = await confirmation(page, known.email);

  expect(forUnknown).toEqual(forKnown);
  expect(forKnown.heading).toBe(t.forgot.sentTitle);
  expect(forKnown.text).toContain(t.forgot.sentBody("<email>", 10));

  // Only the real account gets mail. The unknown address was asked first, so its (empty) job ran before.
  await mailsTo(page, known.email, t.mailbox.resetSubject);
  await expect(page.getByRole("article").filter({ hasText: `${t.mailbox.to}: ${unknown} ·` })).toHaveCount(0);
});
