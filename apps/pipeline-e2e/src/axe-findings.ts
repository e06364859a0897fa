import axe from 'axe-core';
import type { Page } from 'playwright-core';

interface PageWithAnimations {
  document: { getAnimations(): { playState: string; effect: { getTiming(): { iterations?: number } } | null; finish(): void }[] };
  requestAnimationFrame(callback: () => void): void;
}

/**
 * Brings the page to rest: every finite CSS animation or transition still running (a drawer or
 * modal sliding in, a message fading, a button's click wave or hover colour) is finished, as it
 * would be a moment later, and two frames pass for antd to drop its motion classes; spinners loop
 * for ever and are left alone. Mid-animation, half-transparent text or a button between two colours
 * fails axe's contrast check although the page at rest passes it (and the other way round).
 */
export async function bringToRest(page: Page): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const finished = await page.evaluate(async () => {
      const window = globalThis as unknown as PageWithAnimations;
      const running = window.document.getAnimations().filter((a) => a.playState === 'running' && Number.isFinite(a.effect?.getTiming().iterations ?? 1));
      for (const animation of running) animation.finish();
      for (let frame = 0; frame < 2; frame++) await new Promise<void>((resolve) => window.requestAnimationFrame(resolve));
      return running.length;
    });
    if (finished === 0) return;
  }
}

/** axe-core's serious and critical findings on the page at rest, one line each (with why each node fails). */
export async function axeFindings(page: Page, name: string): Promise<string[]> {
  await bringToRest(page);
  // Evaluated through the DevTools protocol, which the page's CSP does not govern (an inline <script> would be refused).
  await page.evaluate(axe.source);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: typeof axe }).axe.run({ exclude: [['.ant-message']] }, { resultTypes: ['violations'] }));
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}${n.failureSummary ? ` [${n.failureSummary.replace(/\s+/g, ' ')}]` : ''}`).join(' | ')}`);
}
