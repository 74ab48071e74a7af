import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { useDesktopApp } from '../support/desktopHarness';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const missing = chromiumMissing();

/** Saved by an earlier run: a URL for another database engine, which no configuration accepts. */
const SETTINGS = JSON.stringify({
  version: 1,
  settings: { connection: { databaseUrl: 'mysql://localhost/echo_org', ollamaEndpoint: '' } },
});

describe.skipIf(missing !== null)('the desktop app when its monitor cannot start', () => {
  const app = useDesktopApp({
    args: [],
    userDataFiles: { 'settings.json': SETTINGS },
    // Nothing in the environment decides the database; no registry, no Ollama, no scan of this machine's processes.
    env: {
      DATABASE_URL: '',
      DB_HOST: '',
      DB_PORT: '',
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_AGENT_PROCESSES: 'off',
    },
  });
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stays up, and says why in its window and its tray', async () => {
    const page = await app().page();
    const failure = page.getByRole('region', { name: 'The monitor could not start' });
    await failure.waitFor({ timeout: 30_000 });
    expect(await failure.textContent()).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(await failure.getByRole('button', { name: 'Open Settings' }).isVisible()).toBe(true);
    const tray = await app().until((state) => state.trays.at(-1));
    expect([tray.title, tray.tooltip]).toEqual(['? agents · ? GB', 'Delegator Monitor: could not start']);
    expect(tray.image?.split('/').at(-1)).toMatch(/^error-\w+\.png$/);
    expect(tray.menu?.map((item) => item.label)).toContain(
      'Could not start: Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
    expect((await app().state()).windows.at(-1)?.errors).toEqual([]);
    expect(app().output()).toContain('The monitor could not start: Invalid configuration: DATABASE_URL');
  }, 60_000);

  it('opens the settings from that tray line, and runs once they are put right', async () => {
    await app().clickTray(/^Could not start: /);
    const page = await app().page();
    const settings = page.getByRole('region', { name: 'Settings' });
    await settings.waitFor({ timeout: 10_000 });
    await settings.getByLabel('PostgreSQL URL (instead of the fields below)').fill(db.url);
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByText('Saved. The monitor restarted with these settings.').waitFor({ timeout: 30_000 });
    await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('region', { name: 'The monitor could not start' }).count()).toBe(0);
    const tray = await app().until(
      (state) => state.trays.find((candidate) => candidate.title === '0 agents · 0 GB'),
      30_000,
    );
    expect(tray.tooltip).toMatch(/^Delegator Monitor: 0 agents · 0 GB/);
    expect(tray.menu?.some((item) => item.label.startsWith('Could not start'))).toBe(false);
  }, 90_000);

  it('quits cleanly', async () => {
    await app().clickTray('Quit');
    expect(await app().waitForExit(10_000)).toEqual({ code: 0, signal: null });
  });
});
