import { expect, test } from "../support/fixtures";
import { TEXT } from "../support/text";

const t = TEXT["zh-CN"];

test("a visitor opens the home page: the product's name, and ways to sign in, sign up or recover a password", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(page).toHaveTitle("Rekey");
  await expect(page.getByRole("banner").getByRole("link", { name: "Rekey" })).toHaveAttribute("href", "/");
  await expect(page.getByRole("heading", { level: 1, name: t.home.title })).toBeVisible();
  await expect(page.getByText(t.home.signedOut, { exact: true })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main.getByRole("link", { name: t.signInLink, exact: true })).toHaveAttribute("href", "/sign-in");
  await expect(main.getByRole("link", { name: t.signUpLink, exact: true })).toHaveAttribute("href", "/sign-up");
  await expect(main.getByRole("link", { name: t.signIn.forgot })).toHaveAttribute("href", "/forgot-password");
});
