import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { agentSubmenus, useDesktopApp } from '../support/desktopHarness';
import type { DesktopState, MenuItemState } from '../support/desktopProtocol';

const missing = chromiumMissing();

const tray = (state: DesktopState) => state.trays.at(-1);
const topItem = (state: DesktopState, pattern: RegExp): MenuItemState | undefined =>
  tray(state)?.menu?.find((item) => pattern.test(item.label));

describe.skipIf(missing !== null)('the desktop app from its tray, in the demo', () => {
  const app = useDesktopApp({ args: ['--demo'] });

  /** The first agent in the tray whose process the monitor sees, with its pid. */
  const firstAgent = async () =>
    app().until((state) => {
      for (const agent of agentSubmenus(tray(state)?.menu ?? null)) {
        const pid = agent.items.map((item) => /^pid (\d+)/.exec(item.label)?.[1]).find((found) => found !== undefined);
        if (pid !== undefined) return { ...agent, pid: Number(pid) };
      }
      return null;
    });

  it("asks before stopping an agent, in the plan's words, and Cancel does nothing", async () => {
    const agent = await firstAgent();
    await app().clickTray(agent.matcher, `Stop ${agent.name}…`);
    const dialog = await app().until((state) => state.dialogs.at(-1));
    expect(dialog.kind).toBe('messageBox');
    expect(dialog.options).toMatchObject({
      type: 'warning',
      message: `Stop ${agent.name}`,
      buttons: ['Stop', 'Cancel'],
      cancelId: 1,
    });
    // The plan names the copy it stops and what goes now: its VM; the model waits for Ollama's keep-alive.
    const name = agent.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(dialog.options.detail).toMatch(
      new RegExp(`^Stop ${name} \\(pid ${String(agent.pid)}\\): frees its Erlang VM\\b`),
    );
    expect(dialog.options.detail).toMatch(/ECHO keeps the role registered until its delegator restarts\.$/);
    const notificationsBefore = (await app().state()).notifications.length;
    await app().answerNextDialog(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const state = await app().state();
    expect(state.notifications.slice(notificationsBefore).map((notification) => notification.title)).not.toContainEqual(
      expect.stringContaining(agent.name),
    );
    expect(agentSubmenus(tray(state)?.menu ?? null).map((shown) => shown.name)).toContain(agent.name);
  });

  it('stops the agent on a yes, ending its process, and says so in a notification', async () => {
    const agent = await firstAgent();
    expect(await app().agentProcesses()).toContain(agent.pid);
    // Answered before it opens, as a user quick on the keyboard.
    await app().answerNextDialog(0);
    await app().clickTray(agent.matcher, `Stop ${agent.name}…`);
    const told = await app().until((state) =>
      state.notifications.find((notification) => notification.title.includes(agent.name)),
    );
    expect(told).toMatchObject({ title: `${agent.name} stopped`, silent: true });
    await expect.poll(() => app().agentProcesses(), { timeout: 5_000 }).not.toContain(agent.pid);
  });

  it('snoozes notifications for an hour from the tray, which then says until when', async () => {
    await app().clickTray('Snooze notifications for 1 hour');
    const resume = await app().until((state) => topItem(state, /^Resume notifications \(snoozed until \d\d:\d\d\)$/));
    expect(resume.enabled).toBe(true);
    expect(tray(await app().state())?.tooltip).toMatch(/\(notifications snoozed\)$/);
    await app().clickTray(resume.label);
    const resumed = await app().until((state) => topItem(state, /^Resume notifications$/));
    expect(resumed.enabled).toBe(false);
  });

  it('draws the tray icon again when the system theme changes, and the page follows the theme', async () => {
    const before = tray(await app().state())?.images.length ?? 0;
    await app().setTheme(true);
    const after = await app().until((state) => (tray(state)?.images.length ?? 0) > before && tray(state));
    expect(after.image).toMatch(/\/resources\/tray\/\w+-\w+\.png$/);
    const page = await app().page();
    // Compiled without the DOM's types: the page's matchMedia, typed here.
    const prefersDark = () =>
      (globalThis as unknown as { matchMedia(query: string): { matches: boolean } }).matchMedia(
        '(prefers-color-scheme: dark)',
      ).matches;
    await expect.poll(() => page.evaluate(prefersDark)).toBe(true);
  });

  it("opens the dashboard on an agent from its submenu's Show in Dashboard", async () => {
    const agent = await firstAgent();
    await app().closeWindow();
    await app().clickTray(agent.matcher, 'Show in Dashboard');
    await app().until((state) => state.windows.at(-1)?.visible);
    const page = await app().page();
    // The agent's row is marked for a moment (3 s).
    await page.locator('.focused', { hasText: agent.name }).waitFor({ timeout: 5_000 });
  });

  it('opens the settings from the tray', async () => {
    await app().closeWindow();
    await app().clickTray('Settings…');
    await app().until((state) => state.windows.at(-1)?.visible);
    const page = await app().page();
    await page.getByRole('region', { name: 'Settings' }).waitFor({ timeout: 5_000 });
  });

  it('opens its log file from the tray, kept with its local data', async () => {
    await app().clickTray('Open Log');
    const opened = await app().until((state) =>
      state.openedExternally.find((path) => path.endsWith(join('logs', 'monitor.log'))),
    );
    expect(existsSync(opened)).toBe(true);
  });

  it('keeps its notifications through a garbage collection, so their clicks still reach it', async () => {
    const shown = await app().until((state) => state.notifications.at(-1));
    await app().gc();
    expect((await app().state()).notifications.at(-1)?.collected).toBe(false);
    expect(await app().clickNotification({ title: shown.title })).toEqual({ delivered: true });
  });

  it("ends cleanly when the system shuts down, leaving none of the demo's agents running", async () => {
    await app().emit('powerMonitor', 'shutdown');
    expect(await app().waitForExit(10_000)).toEqual({ code: 0, signal: null });
    await expect.poll(() => app().agentProcesses(), { timeout: 5_000 }).toEqual([]);
    // Nor the reaper that would have ended them had the app been killed.
    await expect.poll(() => app().demoProcesses(), { timeout: 5_000 }).toEqual([]);
  });
});
