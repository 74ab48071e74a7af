import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../support/browser';
import { stateHome } from '../support/controlKey';
import { startCliProcess, type LongRunningCli } from '../support/runCliProcess';
import { layoutProblems } from './layoutChecks';

const ROOT = new URL('../..', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const missing = chromiumMissing();

/** What axe finds serious or critical on the page as it stands. */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: () => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: unknown[] }> }> };
      }
    ).axe;
    const result = await axe.run();
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map(
        (violation) =>
          `${violation.id}: ${JSON.stringify(violation.nodes.map((node) => (node as { html: string }).html)).slice(0, 600)}`,
      );
  });
}

describe.skipIf(missing !== null)("a session's timeline in Chromium, on the demo", () => {
  let serve: LongRunningCli;
  let home: string;
  let browser: Browser;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out', 'renderer', 'index.html')))
      execFileSync('npx', ['electron-vite', 'build', '--logLevel', 'error'], { cwd: ROOT });
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

  async function openDashboard(width: number, height: number): Promise<Page> {
    // bypassCSP only so a test can inject axe-core; the page itself keeps its policy.
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: 'dark', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(url);
    // The demo's first session starts with its agents up.
    await page.getByRole('region', { name: 'Spawned Agents' }).getByRole('row').nth(1).waitFor({ timeout: 20_000 });
    return page;
  }

  /** Opens the first active session's timeline, and returns the session's id. */
  async function openFirstSession(page: Page): Promise<string> {
    const card = page.getByRole('region', { name: 'Active Sessions' }).locator('li.session').first();
    const sessionId = (await card.getAttribute('data-session-id')) ?? '';
    await card.getByRole('button', { name: `Timeline of session ${sessionId}` }).click();
    return sessionId;
  }

  it('opens from an active session, with its agents running and its tasks and decisions marked, by keyboard too', async () => {
    const page = await openDashboard(1280, 900);
    const sessionId = await openFirstSession(page);
    expect(sessionId).not.toBe('');
    const panel = page.getByRole('region', { name: 'Timeline' });
    // The keyboard follows to the timeline.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Timeline');
    const figure = panel.getByRole('figure', { name: /^Timeline of session / });
    const agents = figure.getByRole('group', { name: 'Agents' }).getByRole('button');
    await agents.first().waitFor({ timeout: 10_000 });
    expect(await figure.getAttribute('aria-label')).toMatch(new RegExp(`^Timeline of session ${sessionId}, `));
    expect(await agents.first().getAttribute('aria-label')).toMatch(/: (spawned|already running) at \d\d:\d\d:\d\d, /);
    // The demo's delegator hands out tasks and its agents open decisions as a session goes on, heard on ECHO's
    // channels; a demo session lasts a couple of minutes, so one that ends first gives way to the next.
    const marks = figure.getByRole('group', { name: 'Tasks and decisions' }).getByRole('button');
    for (let tries = 0; (await marks.count()) === 0; tries += 1) {
      expect(tries, 'a task or decision marked within two minutes').toBeLessThan(60);
      await page.waitForTimeout(2000);
      if ((await panel.getByText(/, ended$/).count()) > 0) await openFirstSession(page);
    }
    const mark = marks.first();
    expect(await mark.getAttribute('aria-label')).toMatch(/^\d\d:\d\d:\d\d: (Delegator → |Decision )/);
    // Reached by keyboard, Enter says what it is.
    await mark.focus();
    await page.keyboard.press('Enter');
    expect(await panel.getByRole('status').textContent()).toBe(await mark.getAttribute('aria-label'));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('offers the last hour and today', async () => {
    const page = await openDashboard(1280, 900);
    const panel = page.getByRole('region', { name: 'Timeline' });
    await panel.getByRole('button', { name: 'Today' }).click();
    await panel.getByRole('figure', { name: /^Timeline of today, 00:00:00 to / }).waitFor({ timeout: 5000 });
    expect(await panel.getByRole('group', { name: 'Agents' }).getByRole('button').count()).toBeGreaterThan(0);
    await page.context().close();
  }, 60_000);

  it.each([
    [900, 600],
    [1280, 900],
  ])(
    'fits a %ix%i window with a session open: nothing off its panel, every button whole',
    async (width, height) => {
      const page = await openDashboard(width, height);
      await openFirstSession(page);
      await page
        .getByRole('region', { name: 'Timeline' })
        .getByRole('group', { name: 'Agents' })
        .getByRole('button')
        .first()
        .waitFor({ timeout: 10_000 });
      expect(await layoutProblems(page)).toEqual([]);
      await page.context().close();
    },
    60_000,
  );
});
