import { expect, test } from "../support/fixtures";
import { TEXT } from "../support/text";

const PAGES = [
  "/",
  "/sign-in",
  "/sign-up",
  "/forgot-password",
  "/reset-password?token=not-a-real-token",
  "/secure-account?token=not-a-real-token",
  "/dev/mailbox",
  "/no-such-page",
];

// The fixture fails the spec on any Content-Security-Policy violation; here each page must also come with the
// policy (a fresh nonce, no framing) and come alive: its buttons work, which needs every script to have run.
test("a visitor opens every page: each carries a nonce-based CSP, runs its scripts and breaks no rule of it", async ({ page }) => {
  const nonces = new Set<string>();
  for (const path of PAGES) {
    const response = await page.goto(path);
    expect(response, path).not.toBeNull();
    const headers = response!.headers();
    const policy = headers["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce, `${path}: a script nonce`).toBeTruthy();
    nonces.add(nonce!);
    expect(policy, path).toContain("'strict-dynamic'");
    expect(policy, path).toContain("frame-ancestors 'none'");
    expect(headers["x-content-type-options"], path).toBe("nosniff");
    expect(headers["referrer-policy"], path).toBe("no-referrer");
    expect(headers["cache-control"] ?? "", path).toContain("no-store");

    const languages = page.getByRole("group", { name: TEXT["zh-CN"].languageGroup });
    await languages.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.getByRole("group", { name: TEXT.en.languageGroup }).getByRole("button", { name: "中文" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  }
  expect(nonces.size, "a new nonce for every page").toBe(PAGES.length);
});
