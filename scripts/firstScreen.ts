/**
 * What the README's screenshot shows, in words: the dashboard's first screen
 * on the demo. The screenshot script writes these words as the image's alt
 * text, and a browser test reads the same screen again, so a change to the
 * dashboard that the picture no longer matches fails a test rather than
 * leaving the README out of date.
 */
import type { Page } from 'playwright-core';

/** The window the screenshot is taken in: a laptop's first screen. */
export const SCREENSHOT_VIEWPORT = { width: 1280, height: 900 } as const;

/** The image's line in README.md, whatever alt text it holds now. */
export const README_IMAGE_LINE = /^!\[[^\]\n]*\]\(docs\/images\/dashboard\.png\)$/m;

export interface FirstScreen {
  /** The panels' headings, top to bottom, of those at least partly in view. */
  readonly panels: readonly string[];
}

/**
 * The monitor polls every 5 s; three polls give the chart a few points past the first, and an alert its pending period.
 */
const SETTLE_MS = 15_000;

/**
 * Waits until the demo's dashboard shows what the screenshot shows: live
 * data, the first session's agents, the chart's first line, then a few polls,
 * so alerts that fire on the first session have fired.
 */
export async function waitForDemoScreen(page: Page, timeoutMs: number): Promise<void> {
  await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: timeoutMs });
  // The demo's first session starts with its agents up: wait for their rows (a header row plus one or more).
  await page.getByRole('region', { name: 'Spawned Agents' }).getByRole('row').nth(1).waitFor({ timeout: timeoutMs });
  await page
    .getByRole('figure', { name: 'Memory and agents over time' })
    .locator('svg path.recharts-curve')
    .first()
    .waitFor({ state: 'attached', timeout: timeoutMs });
  await page.waitForTimeout(SETTLE_MS);
}

/** Reads the first screen of a dashboard just opened (so scrolled to its top). */
export async function readFirstScreen(page: Page): Promise<FirstScreen> {
  const panels: string[] = [];
  for (const heading of await page.locator('main h2').all()) {
    // Relative to the viewport: a heading below the first screen, or hidden, is not in the picture.
    const box = await heading.boundingBox();
    if (box === null || box.height === 0 || box.y >= SCREENSHOT_VIEWPORT.height || box.y + box.height <= 0) continue;
    panels.push((await heading.innerText()).replace(/\s+/g, ' ').trim());
  }
  return { panels };
}

/** The alt text: what a reader who cannot see the image is told it shows. */
export function altText(screen: FirstScreen): string {
  return `The dashboard on the demo, first screen: the summary cards, then ${screen.panels.join(', ')}`;
}

/** README.md with the image's alt text replaced. */
export function withAltText(readme: string, alt: string): string {
  if (!README_IMAGE_LINE.test(readme)) throw new Error('README.md has no line showing docs/images/dashboard.png');
  return readme.replace(README_IMAGE_LINE, `![${alt}](docs/images/dashboard.png)`);
}

/** The alt text README.md gives the image now. */
export function readmeAltText(readme: string): string | null {
  const line = README_IMAGE_LINE.exec(readme)?.[0];
  return line === undefined ? null : line.slice(2, line.indexOf(']('));
}
