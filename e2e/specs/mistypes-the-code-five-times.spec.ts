import { expect, test } from "../support/fixtures";
import {
  chooseNewPassword,
  expectValidResetPage,
  newAccount,
  newestResetCode,
  newestResetLink,
  newPassword,
  requestReset,
  signOut,
  signUp,
  submitResetCode,
} from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

/** The `n`th wrong code: the right one's digits shifted, shown the way the email shows codes. */
function wrongCode(right: string, n: number): string {
  const digits = String((Number(right.replace(" ", "")) + n) % 100_000_000).padStart(8, "0");
  return `${digits.slice(0, 4)} ${digits.slice(4)}`;
}

// CONTRACT §4a: 5 wrong codes for one address burn its codes; the link of the same email keeps working.
test("mistypes the code five times: each is refused, then even the right code is, and the email's link still works", async ({ page, context }) => {
  const account = newAccount("wrongcode");
  await signUp(page, account);
  await signOut(page);
  await requestReset(page, account.email);

  // The mail in another tab; the confirmation page stays open in the first one.
  const inbox = await context.newPage();
  const code = await newestResetCode(inbox, account.email);
  const link = await newestResetLink(inbox, account.email);

  // "I have a code", right after sending: the address just used is filled in.
  await page.getByRole("button", { name: t.forgot.haveCode }).click();
  await expect(page.getByLabel(t.field.email, { exact: true })).toHaveValue(account.email);
  const refused = page.getByRole("alert").filter({ hasText: t.code.wrong });
  for (let n = 1; n <= 5; n++) {
    await submitResetCode(page, account.email, wrongCode(code, n));
    await expect(refused).toBeVisible();
    await expect(page).toHaveURL(/\/forgot-password/);
  }

  // The codes are burnt: the right one gets the same answer.
  await submitResetCode(page, account.email, code);
  await expect(refused).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name: t.code.title })).toBeVisible();

  // The link of the same email was not burnt with them.
  await inbox.goto(link);
  await expectValidResetPage(inbox, account);
  await chooseNewPassword(inbox, newPassword());
});
