// axe-core (a dev dependency, through @open-wc/testing) run in a page against its <image-chat> elements.
import type { Locator, Page } from '@playwright/test';
import { createRequire } from 'node:module';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** WCAG 2.x A and AA violations inside `scope` (default: every <image-chat>), shadow DOM included. */
export async function axeViolations(page: Page, scope: Locator = page.locator('image-chat')): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const elements = await scope.elementHandles();
  return page.evaluate(async (include: Node[]) => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown; html: string }[] }[] }> } }).axe;
    const result = await axe.run(
      { include },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, rules: { region: { enabled: false } } },
    );
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.html.slice(0, 160)}`) }));
  }, elements);
}
