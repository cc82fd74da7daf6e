import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * axe-core's critical and serious violations on the page as it stands, one line each: rule, impact and the first
 * offending selectors. The page's context must bypass its Content-Security-Policy (`bypassCSP: true`) to take axe.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<AxeResult> } }).axe;
    type AxeResult = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    return (await axe.run(document)).violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  return result
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(" | ")}`);
}
