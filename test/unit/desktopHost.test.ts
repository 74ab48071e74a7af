import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import type { TrayModel } from '../../src/main/core/views/trayModel';
import { createDesktopHost, type DesktopDeps } from '../../src/main/desktop/desktopHost';
import type { Handler } from '../../src/main/desktop/ipcHandlers';
import { Monitor } from '../../src/main/monitor/monitor';
import { assembleService, type MonitorService } from '../../src/main/monitor/monitorService';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { IPC_INVOKE, IPC_PUSH } from '../../src/shared/ipcChannels';
import { settingsSchema } from '../../src/shared/settings';
import { readingsAt, SETTINGS } from '../support/readings';
import { recordingLog } from '../support/recordingLog';

const NOW = Date.parse('2026-11-24T14:28:28Z');

/** A service over a monitor that reads canned readings; it never touches a database. */
function fakeService(): MonitorService {
  const monitor = new Monitor({
    read: (now) => Promise.resolve(readingsAt(now)),
    settings: SETTINGS,
    pollMs: 600_000,
    clock: { now: () => NOW },
  });
  const unusedSql = { query: () => Promise.reject(new Error('not in this test')) };
  return assembleService({
    monitor,
    config: loadConfig({}),
    store: new SessionStore(unusedSql, 'UTC'),
    commands: null,
    unloader: null,
    exports: null,
    close: () => monitor.stop(),
  });
}

function setup(
  startService: DesktopDeps['startService'] = async (_settings, _env, listen) => {
    const service = fakeService();
    listen(service);
    await service.monitor.start();
    return service;
  },
) {
  const sent: string[] = [];
  const trays: TrayModel[] = [];
  const { log, lines } = recordingLog();
  const quits: number[] = [];
  const logsOpened: number[] = [];
  let handlers: Readonly<Record<string, Handler>> = {};
  const host = createDesktopHost({
    startService,
    dashboard: {
      show: () => Promise.resolve(),
      send: (channel) => sent.push(channel),
    },
    createTray: () => ({ render: (model) => trays.push(model), redrawIcon: () => undefined }),
    notify: () => undefined,
    serveIpc: (served) => {
      handlers = served;
    },
    controls: { ask: () => Promise.resolve(false), tell: () => undefined },
    chooseExportPath: () => Promise.resolve(null),
    setLaunchAtLogin: () => undefined,
    quitApp: () => quits.push(1),
    openLog: () => logsOpened.push(1),
    now: () => NOW,
    formatTime: (instant) => instant.slice(11, 16),
    log,
  });
  return {
    host,
    sent,
    trays,
    lines,
    quits,
    logsOpened,
    call: (channel: string, ...args: unknown[]) => handlers[channel]?.(args),
  };
}

const SETTINGS_SAVED = settingsSchema.parse({ connection: {} });

describe('the desktop host', () => {
  it("answers the page's first calls, asked while the monitor starts, once it has started", async () => {
    const { host, call } = setup();
    const asked = Promise.all([call(IPC_INVOKE.getSnapshot), call(IPC_INVOKE.getSeries), call(IPC_INVOKE.getEvents)]);
    await host.applySettings(SETTINGS_SAVED, {});
    const [snapshot, series, events] = (await asked) as [unknown, unknown[], unknown[]];
    expect(snapshot).not.toBeNull();
    expect(Array.isArray(series) && Array.isArray(events)).toBe(true);
    await host.stopForQuit();
  });

  it("logs the tray's title each time it changes, and only then", async () => {
    const { host, lines, trays } = setup();
    host.showTray();
    host.showTray();
    await host.applySettings(SETTINGS_SAVED, {});
    host.showTray();
    const titles = [...new Set(trays.map((tray) => tray.title))];
    expect(titles.length).toBeGreaterThan(1);
    expect(lines.filter((line) => line.startsWith('debug tray: '))).toEqual(
      titles.map((title) => `debug tray: ${title}`),
    );
    await host.stopForQuit();
  });

  it('tells the page why when the monitor cannot start, rather than leaving it without a handler', async () => {
    const { host, call } = setup(() => Promise.reject(new Error('DB_PORT: expected a port')));
    const asked = Promise.resolve(call(IPC_INVOKE.getSnapshot));
    await host.applySettings(SETTINGS_SAVED, {});
    await expect(asked).rejects.toThrow('the monitor could not start: DB_PORT: expected a port');
  });

  it('runs one monitor after two quick saves, the first stopped before the second starts', async () => {
    const open = new Set<MonitorService>();
    const { host } = setup(async (_settings, _env, listen) => {
      const service = fakeService();
      listen(service);
      await service.monitor.start();
      open.add(service);
      const close = service.close.bind(service);
      return { ...service, close: () => (open.delete(service), close()) };
    });
    await Promise.all([host.applySettings(SETTINGS_SAVED, {}), host.applySettings(SETTINGS_SAVED, {})]);
    expect(open.size).toBe(1);
    await host.stopForQuit();
    expect(open.size).toBe(0);
  });

  it('snoozes from the tray and shows it there, opens the log, and quits through the app', async () => {
    const { host, trays, quits, logsOpened } = setup();
    await host.applySettings(SETTINGS_SAVED, {});
    host.act('snooze-hour');
    expect(JSON.stringify(trays.at(-1)?.menu)).toContain('15:28');
    host.act('resume');
    expect(JSON.stringify(trays.at(-1)?.menu)).not.toContain('15:28');
    host.act('log');
    expect(logsOpened).toEqual([1]);
    host.act('quit');
    expect(quits).toEqual([1]);
    await host.stopForQuit();
    expect(host.quitting()).toBe(true);
  });

  it('stays up and says why when the monitor cannot start', async () => {
    const { host, lines, trays } = setup(() => Promise.reject(new Error('DB_PORT: expected a port')));
    await host.applySettings(SETTINGS_SAVED, {});
    expect(lines.filter((line) => line.startsWith('error'))).toEqual([
      'error The monitor could not start: DB_PORT: expected a port',
    ]);
    expect(trays.length).toBeGreaterThan(0);
  });

  it("hands each poll's snapshot to the window and the tray, and the page's getSnapshot reads that same one", async () => {
    let service: MonitorService | null = null;
    const { host, sent, trays, call } = setup(async (_settings, _env, listen) => {
      service = fakeService();
      listen(service);
      await service.monitor.start();
      return service;
    });
    await host.applySettings(SETTINGS_SAVED, {});
    const running = service as MonitorService | null;
    if (running === null) throw new Error('the host started no monitor');
    // The first snapshot, taken before anyone listened, is handed to the window as soon as the monitor runs.
    expect(sent).toEqual([IPC_PUSH.snapshot]);
    const drawn = trays.length;
    const polled = await running.monitor.pollNow();
    expect(sent).toEqual([IPC_PUSH.snapshot, IPC_PUSH.snapshot]);
    expect(trays.length).toBe(drawn + 1);
    expect(await call(IPC_INVOKE.getSnapshot)).toBe(polled);
    await host.stopForQuit();
  });
});
