import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH } from './packages';

export { CHROMIUM_PATH };
/** Why Chromium cannot run here (missing, or withheld by TEST_WITHOUT), or null; recorded for the run's summary. */
export { chromiumMissing } from './needs';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
