import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  altText,
  readFirstScreen,
  readmeAltText,
  SCREENSHOT_VIEWPORT,
  waitForDemoScreen,
} from '../../scripts/firstScreen';
import { chromiumMissing, launchChromium } from '../support/browser';
import { stateHome } from '../support/controlKey';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';

const ROOT = new URL('../..', import.meta.url).pathname;
const missing = chromiumMissing();

/** A PNG's width and height, from its IHDR chunk (bytes 16 to 24). */
function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe.skipIf(missing !== null)("the README's screenshot", () => {
  let serve: LongRunningCli;
  let home: string;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    home = await stateHome();
    serve = startCliProcess(['serve', '--demo', '--port', '0'], { XDG_STATE_HOME: home });
    browser = await launchChromium();
    [, url = ''] = await serve.waitFor(/on (http:\/\/127\.0\.0\.1:\d+\/)/, 30_000);
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await serve.stop('SIGTERM');
    await rm(home, { recursive: true, force: true });
  });

  it('is the first screen of the demo as it is now, and its alt text names what that screen shows', async () => {
    const context = await browser.newContext({ viewport: SCREENSHOT_VIEWPORT, colorScheme: 'dark' });
    try {
      const page = await context.newPage();
      await page.goto(url);
      // As the screenshot script waits: the same screen, after the same polls.
      await waitForDemoScreen(page, 20_000);
      const screen = await readFirstScreen(page);
      expect(screen.panels.length).toBeGreaterThan(0);
      // When this fails, the dashboard changed: `npm run build && npm run screenshot` renews the image and its words.
      expect(readmeAltText(readFileSync(join(ROOT, 'README.md'), 'utf8'))).toBe(altText(screen));
      expect(pngSize(join(ROOT, 'docs', 'images', 'dashboard.png'))).toEqual(SCREENSHOT_VIEWPORT);
    } finally {
      await context.close();
    }
  }, 60_000);
});
