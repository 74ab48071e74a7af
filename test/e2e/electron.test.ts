import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronBinary } from '../support/electronBinary';

const ROOT = new URL('../..', import.meta.url).pathname;
const binary = electronBinary();
if ('missing' in binary) console.warn(`Skipping the Electron end-to-end tests: ${binary.missing}.`);

interface E2eProbe {
  readonly tray: { readonly title: string; readonly agents: number } | null;
  readonly notifications: readonly string[];
}

describe.skipIf('missing' in binary)('the desktop app in demo mode', () => {
  let app: ElectronApplication;
  let userData: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) throw new Error('run `npm run build` first: the app launches from out/');
    userData = mkdtempSync(join(tmpdir(), 'delegator-monitor-e2e-'));
    app = await electron.launch({
      executablePath: 'path' in binary ? binary.path : '',
      args: [ROOT, '--demo', `--user-data-dir=${userData}`],
      env: {
        ...process.env,
        DELEGATOR_MONITOR_E2E: '1',
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
    const stop = page.getByRole('region', { name: 'Spawned Agents' }).getByRole('button', { name: /^Stop / }).first();
    const name = (await stop.getAttribute('aria-label')) ?? '';
    await stop.click();
    await page.getByRole('alertdialog', { name }).getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('status').filter({ hasText: 'Commands need the Redis registry, which is not configured' }).first().waitFor({ timeout: 10_000 });
  });

  it('brings the tray model to one agent or more, and turns a forced threshold into a notification', async () => {
    const probe = async (): Promise<E2eProbe> =>
      app.evaluate(() => (globalThis as unknown as { delegatorMonitorProbe: E2eProbe }).delegatorMonitorProbe);
    await expect.poll(async () => (await probe()).tray?.agents ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
    // GB once the demo's models load; before, the agents' own processes, in MB.
    expect((await probe()).tray?.title).toMatch(/^\d+ agents? · [\d.]+ [MG]B$/);
    await expect.poll(async () => (await probe()).notifications, { timeout: 20_000 }).toContainEqual(expect.stringMatching(/\d+ agents? (is|are) running\./));
  });
});
