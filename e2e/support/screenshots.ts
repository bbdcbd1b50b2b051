import { join } from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 360, height: 740 },
} as const;

/**
 * Saves full-page screenshots of the page as it is now, at desktop width and at 360 px, as
 * `test-results/screenshots/<state>-<desktop|mobile>.png` (the gitignored output folder, which each run starts
 * empty), attached to the test too. At each width the page must fit without sideways scrolling. Restores the
 * viewport.
 */
export async function saveScreenshots(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const original = page.viewportSize();
  for (const [name, size] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(size);
    const path = join(testInfo.project.outputDir, "screenshots", `${state}-${name}.png`);
    // Animations are frozen and the caret hidden, so two runs of the same state look the same.
    await page.screenshot({ path, fullPage: true, animations: "disabled", caret: "hide" });
    await testInfo.attach(`${state}-${name}`, { path, contentType: "image/png" });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect.soft(scrollWidth, `"${state}" fits ${size.width} px without scrolling sideways`).toBeLessThanOrEqual(size.width);
  }
  if (original) await page.setViewportSize(original);
}
