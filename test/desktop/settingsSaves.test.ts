import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { agentSubmenus, useDesktopApp } from '../support/desktopHarness';

const missing = chromiumMissing();

describe.skipIf(missing !== null)('the desktop app when its settings are saved twice at once, in the demo', () => {
  const app = useDesktopApp({ args: ['--demo'] });

  it('runs one monitor afterwards, with one demo and its agents, and says both saves worked', async () => {
    const page = await app().page();
    await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: 30_000 });
    // Two saves in quick succession, as two quick clicks on an older Save button would send them.
    const outcomes = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as {
          monitorSettings: {
            getSettings(): Promise<{ settings: unknown }>;
            saveSettings(save: { settings: unknown }): Promise<unknown>;
          };
        }
      ).monitorSettings;
      const { settings } = await api.getSettings();
      const results = await Promise.allSettled([api.saveSettings({ settings }), api.saveSettings({ settings })]);
      return results.map((result) => result.status);
    });
    expect(outcomes).toEqual(['fulfilled', 'fulfilled']);
    // The tray shows the restarted demo's agents, and as many agent processes run as it shows: not two demos' worth.
    const agents = await app().until((state) => {
      const shown = agentSubmenus(state.trays.at(-1)?.menu ?? null);
      return shown.length > 0 ? shown : null;
    }, 30_000);
    await expect.poll(async () => (await app().agentProcesses()).length, { timeout: 10_000 }).toBe(agents.length);
  }, 90_000);
});
