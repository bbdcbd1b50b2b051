import { join } from "node:path";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";

const VIEWPORTS = {
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

/** The widths and colour schemes every page is looked at in (`looks-at-every-page-in-both-languages-light-and-dark`). */
const WIDTHS = { phone: 390, desktop: 1280 } as const;
const SCHEMES = ["light", "dark"] as const;

/**
 * Shoots the page as it is now in each colour scheme (`prefers-color-scheme`, no reload) at 390 px and
 * 1280 px, as `test-results/screenshots/<state>-<scheme>-<phone|desktop>.png` (gitignored, emptied by each
 * run), and checks at each width that nothing scrolls sideways. `each` runs once per scheme, at 1280 px (an
 * axe scan: colours change with the scheme, the markup does not with the width). `part`: shoot only this part
 * of a very long page (one email of the mailbox), whole.
 */
export async function shootInEveryScheme(
  page: Page,
  testInfo: TestInfo,
  state: string,
  { part, each }: { part?: Locator; each?: (name: string) => Promise<void> } = {},
): Promise<void> {
  const original = page.viewportSize();
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [label, width] of Object.entries(WIDTHS)) {
      await page.setViewportSize({ width, height: 800 });
      const name = `${state}-${scheme}-${label}`;
      const path = join(testInfo.project.outputDir, "screenshots", `${name}.png`);
      const options = { path, animations: "disabled", caret: "hide" } as const;
      await (part ? part.screenshot(options) : page.screenshot({ ...options, fullPage: true }));
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect.soft(scrollWidth, `"${name}" fits ${width} px without scrolling sideways`).toBeLessThanOrEqual(width);
    }
    await each?.(`${state}-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  if (original) await page.setViewportSize(original);
}
