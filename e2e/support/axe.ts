import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

const BLOCKING = new Set(["serious", "critical"]);

/**
 * Runs axe-core (WCAG 2.0-2.2 A/AA rules and best practices) on the page as it is now; fails on any serious or
 * critical violation, naming the rule, its help text and the offending elements. The full result is attached.
 */
export async function expectNoSeriousA11yViolations(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  expect(results.passes.length, `axe checked something on "${state}"`).toBeGreaterThan(0);
  await testInfo.attach(`axe-${state}.json`, { body: JSON.stringify(results.violations, null, 2), contentType: "application/json" });
  const blocking = results.violations
    .filter((violation) => BLOCKING.has(violation.impact ?? ""))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      elements: violation.nodes.map((node) => `${node.target.join(" ")}: ${node.failureSummary ?? ""}`),
    }));
  expect.soft(blocking, `serious or critical accessibility violations on "${state}"`).toEqual([]);
}
