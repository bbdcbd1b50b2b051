import { expect, test as base } from "@playwright/test";

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/**
 * Every spec runs with the app's Content-Security-Policy watched: a script, style, frame or worker the
 * policy blocks (reported by the browser's console and by `securitypolicyviolation` events) fails the spec,
 * so a page that only works because something was quietly blocked cannot pass.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
      });
      await page.addInitScript(() => {
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", (event) => {
          window.__cspViolations!.push(
            `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
          );
        });
      });
      await use(violations);
      const inPage = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
      expect([...violations, ...inPage], "Content-Security-Policy violations").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
