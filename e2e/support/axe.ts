import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

const BLOCKING = new Set(["serious", "critical"]);
/** WCAG 2.0-2.2 A/AA rules and best practices. */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/**
 * The mailbox's email previews: each email's own HTML, written for mail clients, not this site's markup. Their
 * frames are sandboxed without scripts, so axe cannot run inside them anyway (it would only wait a second per
 * frame, for nothing, and the mailbox holds up to 50).
 */
const EMAIL_PREVIEWS = "iframe.mail-html";

/** Runs axe-core on the page as it is now, attaches the violations, and returns them, one readable line set each. */
async function scan(page: Page, testInfo: TestInfo, state: string, rules?: string[]) {
  const builder = new AxeBuilder({ page }).withTags(TAGS).exclude(EMAIL_PREVIEWS);
  const results = await (rules ? builder.withRules(rules) : builder).analyze();
  expect(results.passes.length, `axe checked something on "${state}"`).toBeGreaterThan(0);
  await testInfo.attach(`axe-${state}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    help: violation.help,
    elements: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
  }));
}

/**
 * Runs axe-core on the page as it is now; fails on any serious or critical violation, naming the rule, its
 * help text and the offending elements. The full result is attached.
 */
export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const blocking = (await scan(page, testInfo, state)).filter((violation) => BLOCKING.has(violation.impact ?? ""));
  expect.soft(blocking, `serious or critical accessibility violations on "${state}"`).toEqual([]);
}

/**
 * Like `expectNoSeriousA11yViolations`, but any violation at all fails (minor and moderate ones too). `rules`:
 * only these (say, `color-contrast` again once the colour scheme changed: nothing else depends on it).
 */
export async function expectNoA11yViolations(page: Page, testInfo: TestInfo, state: string, rules?: string[]): Promise<void> {
  expect.soft(await scan(page, testInfo, state, rules), `accessibility violations on "${state}"`).toEqual([]);
}
