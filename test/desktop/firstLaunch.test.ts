import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { agentSubmenus, useDesktopApp } from '../support/desktopHarness';

const ROOT = new URL('../..', import.meta.url).pathname;
const missing = chromiumMissing();

/** What the page showed at any moment since its first script ran: the first-run screen's heading, ever? */
interface Watched {
  readonly firstRun: boolean;
}

/** Runs in the window's page before its own scripts, and watches every change to what it shows. */
const WATCH_FIRST_RUN = `(() => {
  if (window.top !== window) return;
  const watched = { firstRun: false };
  Object.defineProperty(window, '__watched', { value: watched });
  const look = () => {
    if ((document.documentElement?.textContent ?? '').includes('Nothing to monitor yet')) watched.firstRun = true;
  };
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
})();`;

describe.skipIf(missing !== null)('the desktop app on its first launch, in the demo', () => {
  const app = useDesktopApp({ args: ['--demo'], pageScripts: [WATCH_FIRST_RUN] });

  it('opens its window on the data, never on the first-run screen', async () => {
    const page = await app().page();
    await page.getByRole('region', { name: 'Resource summary' }).waitFor({ timeout: 30_000 });
    const agentRows = page.getByRole('region', { name: 'Spawned Agents' }).getByRole('row');
    // The header row, then one row per agent.
    await expect.poll(() => agentRows.count(), { timeout: 10_000 }).toBeGreaterThan(1);
    const watched = await page.evaluate(() => (globalThis as unknown as { __watched: Watched }).__watched);
    expect(watched.firstRun).toBe(false);
    const window = (await app().state()).windows.at(-1);
    expect(window?.visible).toBe(true);
    expect(window?.errors).toEqual([]);
  }, 60_000);

  it('shows in the tray what the snapshots say: title, tooltip, icon and a menu per agent', async () => {
    // GB once the demo's models load; before, the agents' own processes, in MB.
    const tray = await app().until((state) =>
      state.trays.find((candidate) => /^\d+ agents? · [\d.]+ [MG]B$/.test(candidate.title)),
    );
    expect(tray.tooltip).toMatch(/^Delegator Monitor: \d+ agents? · [\d.]+ [MG]B/);
    expect(tray.image).not.toBeNull();
    expect(dirname(tray.image ?? '')).toBe(join(ROOT, 'resources', 'tray'));
    expect(tray.image).toMatch(/\.png$/);
    expect(existsSync(tray.image ?? '')).toBe(true);
    const agents = agentSubmenus(tray.menu);
    expect(agents.length).toBeGreaterThan(0);
    for (const agent of agents) {
      expect(agent.label.startsWith(`${agent.name} · `)).toBe(true);
      expect(agent.items.map((item) => item.label)).toContain(`Stop ${agent.name}…`);
    }
  });

  it('comes back from the tray when launched again, or activated', async () => {
    // Closing the window hides it to the tray.
    expect(await app().closeWindow()).toEqual({ closed: false });
    expect((await app().state()).windows.at(-1)?.visible).toBe(false);
    await app().secondInstance();
    await app().until((state) => state.windows.at(-1)?.visible);

    await app().closeWindow();
    await app().activate();
    const window = await app().until((state) => state.windows.at(-1)?.visible && state.windows.at(-1));
    expect(window.focused).toBe(true);
    expect(window.destroyed).toBe(false);
  });

  it("quits from the tray menu, within 10 s, leaving none of the demo's agents running", async () => {
    const agents = await app().agentProcesses();
    expect(agents.length).toBeGreaterThan(0);
    await app().clickTray('Quit');
    expect(await app().waitForExit(10_000)).toEqual({ code: 0, signal: null });
    await expect.poll(() => app().agentProcesses(), { timeout: 5_000 }).toEqual([]);
    // Nor the reaper that would have ended them had the app been killed.
    await expect.poll(() => app().demoProcesses(), { timeout: 5_000 }).toEqual([]);
  });
});
