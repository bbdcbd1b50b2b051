import { expect, test } from "@playwright/test";

test("a visitor opens the home page", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Rekey");
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
});
