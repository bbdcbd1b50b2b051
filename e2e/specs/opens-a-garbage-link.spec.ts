import { expect, test } from "../support/fixtures";
import { expectDeadLink } from "../support/steps";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("a mangled link says it is invalid and offers a new one", async ({ page }) => {
  const response = await page.goto("/reset-password?token=not-a-real-token-just-garbage");
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expectDeadLink(page, t.reset.invalid);
  await expect(page).toHaveURL((url) => url.pathname === "/reset-password" && url.search === "");
  await page.getByRole("link", { name: t.reset.requestNew }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await expect(page.getByRole("heading", { level: 1, name: t.forgot.title })).toBeVisible();
});

test("a link with no token at all says so and offers a new one", async ({ page }) => {
  await page.goto("/reset-password");
  await expectDeadLink(page, t.reset.missing);
});
