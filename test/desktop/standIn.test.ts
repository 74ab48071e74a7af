import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissing } from '../support/browser';
import { useDesktopApp, type DesktopApp } from '../support/desktopHarness';

const missing = chromiumMissing();

const PROBE_MAIN = join(import.meta.dirname, 'fixtures', 'probeMain.ts');

interface Probe {
  readonly name: string;
  readonly value: unknown;
}

/** The probe script's findings so far, in order. */
function probes(app: DesktopApp): Probe[] {
  return [...app.output().matchAll(/^PROBE (.*)$/gm)].map((match) => JSON.parse(match[1] ?? '') as Probe);
}

const found = (app: DesktopApp, name: string): unknown[] =>
  probes(app)
    .filter((probe) => probe.name === name)
    .map((probe) => probe.value);

describe.skipIf(missing !== null)('the Electron stand-in, where what Electron documents matters', () => {
  const app = useDesktopApp({ main: PROBE_MAIN, args: [] });

  it('makes no window, tray or notification before the app is ready, in Electron’s words', async () => {
    await expect.poll(() => found(app(), 'ready')).toEqual([true]);
    expect(found(app(), 'window before ready')).toEqual(['Cannot create BrowserWindow before app is ready']);
    expect(found(app(), 'tray before ready')).toEqual(['Cannot create Tray before app is ready']);
    expect(found(app(), 'notification before ready')).toEqual(['Cannot create Notification before app is ready']);
  });

  it('refuses a second handler for one channel', () => {
    expect(found(app(), 'second handler')).toEqual(["Attempted to register a second handler for 'ping'"]);
  });

  it("runs the page's scripts and their invokes before loadFile resolves, and tells the handler who asked", async () => {
    expect(found(app(), 'hello before loadFile resolved')).toEqual([true]);
    const page = await app().page();
    const answer = await page.evaluate(() => (globalThis as unknown as { answer: Promise<unknown> }).answer);
    expect(answer).toEqual({
      sender: found(app(), 'webContents id')[0],
      url: expect.stringMatching(/^file:\/\/.*\/index\.html$/),
    });
  });

  it('rejects an invoke nobody handles, as Electron does', async () => {
    const page = await app().page();
    const error = await page.evaluate(() =>
      (globalThis as unknown as { probe: { nobody(): Promise<unknown> } }).probe.nobody().then(
        () => null,
        (reason: unknown) => String(reason),
      ),
    );
    expect(error).toBe("Error: Error invoking remote method 'nobody': Error: No handler registered for 'nobody'");
  });

  it("delivers webContents.send to the preload's listener", async () => {
    const page = await app().page();
    await expect.poll(() => page.title()).toBe('pushed');
    expect((await app().state()).windows[0]?.pushes).toEqual({ push: { delivered: 1, lost: 0 } });
  });

  it("loses what nothing holds once it is collected, as Electron does: a notification's click, a tray", async () => {
    await app().gc();
    expect((await app().state()).trays.map(({ tooltip, collected }) => ({ tooltip, collected }))).toEqual([
      { tooltip: 'held', collected: false },
      { tooltip: 'dropped', collected: true },
    ]);
    expect((await app().state()).notifications.map(({ title, collected }) => ({ title, collected }))).toEqual([
      { title: 'held', collected: false },
      { title: 'dropped', collected: true },
    ]);
    expect(await app().clickNotification({ title: 'dropped' })).toMatchObject({ delivered: false });
    expect(await app().clickNotification({ title: 'held' })).toEqual({ delivered: true });
    await expect.poll(() => found(app(), 'clicked')).toEqual(['held']);
  });

  it('quits in Electron’s order: before-quit, which may prevent it, then each window’s close, then will-quit', async () => {
    // The probe prevents the first quit: the app keeps running.
    await expect(app().quit(1_000)).rejects.toThrow(/did not exit/);
    expect(found(app(), 'event')).toEqual(['before-quit']);
    expect(await app().quit(5_000)).toEqual({ code: 0, signal: null });
    expect(found(app(), 'event')).toEqual(['before-quit', 'before-quit', 'close', 'will-quit']);
  });
});
