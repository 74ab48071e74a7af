import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../support/electronBinary';

const ROOT = new URL('../..', import.meta.url).pathname;
const binary = electronBinary();
if ('missing' in binary) console.warn(`Skipping the Electron end-to-end tests: ${binary.missing}.`);

/** What the app's log says it showed: the tray's titles (at debug) and the notifications, oldest first. */
function shown(userData: string): { trayTitles: string[]; notifications: string[] } {
  const path = join(userData, 'logs', 'monitor.log');
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
  const after = (marker: string): string[] =>
    lines.filter((line) => line.includes(marker)).map((line) => line.slice(line.indexOf(marker) + marker.length));
  return { trayTitles: after(' desktop: tray: '), notifications: after(' desktop: notified: ') };
}

describe.skipIf('missing' in binary)('the desktop app in demo mode', () => {
  let app: ElectronApplication;
  let userData: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js')))
      throw new Error('run `npm run build` first: the app launches from out/');
    userData = mkdtempSync(join(tmpdir(), 'delegator-monitor-e2e-'));
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [ROOT, '--demo', `--user-data-dir=${userData}`],
      env: {
        ...process.env,
        // The tray's title is logged at debug: how this test sees what Electron draws.
        MONITOR_LOG_LEVEL: 'debug',
        // One agent is enough to warn, at once: the notification path is exercised on the first poll.
        MONITOR_ALERTS: JSON.stringify({ pendingPolls: 1, agentCount: { warning: 1, critical: 50 } }),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  });

  it('shows the dashboard with live agents', async () => {
    const page = await app.firstWindow();
    await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: 20_000 });
    expect(await page.getByRole('region', { name: 'Spawned Agents' }).getByRole('row').count()).toBeGreaterThan(1);
  });

  it('sends a control over IPC, after asking, and says why the demo cannot carry it: it has no registry', async () => {
    const page = await app.firstWindow();
    const stop = page
      .getByRole('region', { name: 'Spawned Agents' })
      .getByRole('button', { name: /^Stop / })
      .first();
    const name = (await stop.getAttribute('aria-label')) ?? '';
    await stop.click();
    await page.getByRole('alertdialog', { name }).getByRole('button', { name: 'Stop' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Commands need the Redis registry, which is not configured' })
      .first()
      .waitFor({ timeout: 10_000 });
  });

  it('brings the tray model to one agent or more, and turns a forced threshold into a notification', async () => {
    const agentsInTray = (): number => Number(/^(\d+) agents?/.exec(shown(userData).trayTitles.at(-1) ?? '')?.[1] ?? 0);
    await expect.poll(agentsInTray, { timeout: 20_000 }).toBeGreaterThan(0);
    // GB once the demo's models load; before, the agents' own processes, in MB.
    expect(shown(userData).trayTitles.at(-1)).toMatch(/^\d+ agents? · [\d.]+ [MG]B$/);
    await expect
      .poll(() => shown(userData).notifications, { timeout: 20_000 })
      .toContainEqual(expect.stringMatching(/\d+ agents? (is|are) running\./));
  });
});
