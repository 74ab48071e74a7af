import { describe, expect, it } from 'vitest';
import {
  monitorHandlers,
  registerHandlers,
  trustedSender,
  type InvokeEvent,
  type IpcMainLike,
  type SaveExport,
} from '../../src/main/desktop/ipcHandlers';
import type { MonitorQueries } from '../../src/main/monitor/monitorService';
import { Unavailable } from '../../src/main/monitor/unavailable';
import { IPC_INVOKE } from '../../src/shared/ipcChannels';
import { stats } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  call(channel: string, event: InvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }
}

const PAGE = 'file:///opt/delegator-monitor/out/renderer/index.html';
const WINDOW: InvokeEvent = { sender: { id: 7 }, senderFrame: { url: PAGE } };
const snapshot = snapshotAt(Date.parse('2026-11-24T14:28:28Z'));

function queries(calls: string[]): MonitorQueries {
  return {
    getSnapshot: () => snapshot,
    getHistory: (date) => {
      calls.push(`history ${date}`);
      return Promise.resolve([]);
    },
    getStats: (from, to) => Promise.resolve(stats({ from, to })),
    getSeries: () => [],
    getEvents: () => [],
    sendCommand: () => {
      throw new Unavailable('commands need the Redis registry, which is not configured');
    },
    snooze: (until) => ({ snoozedUntil: new Date(until).toISOString() }),
    resumeNotifications: () => ({ snoozedUntil: null }),
  };
}

function setup() {
  const ipc = new FakeIpcMain();
  const calls: string[] = [];
  const saveExport: SaveExport = (query) => {
    calls.push(`export ${query.what} ${query.from}..${query.to} ${query.format}`);
    return Promise.resolve({ status: 'cancelled', message: 'Export cancelled' });
  };
  const unregister = registerHandlers(
    ipc,
    trustedSender(
      () => 7,
      () => PAGE,
    ),
    monitorHandlers(queries(calls), saveExport),
  );
  return { ipc, calls, unregister };
}

describe('the IPC handlers', () => {
  it('answer our window with {ok, value}', async () => {
    const { ipc } = setup();
    expect(await ipc.call(IPC_INVOKE.getSnapshot, WINDOW)).toEqual({ ok: true, value: snapshot });
    expect(await ipc.call(IPC_INVOKE.getStats, WINDOW, '2026-11-01', '2026-11-24')).toMatchObject({
      ok: true,
      value: { from: '2026-11-01', to: '2026-11-24' },
    });
    expect(await ipc.call(IPC_INVOKE.snooze, WINDOW, '2026-11-24T16:00:00+01:00')).toEqual({
      ok: true,
      value: { snoozedUntil: '2026-11-24T15:00:00.000Z' },
    });
  });

  it.each([
    ['another window', { sender: { id: 8 }, senderFrame: { url: PAGE } }],
    ['another page in our window', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/index.html' } }],
    ['another file in our window', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/evil.html' } }],
    ['a frame that is gone', { sender: { id: 7 }, senderFrame: null }],
  ])('refuse %s without running anything', async (_name, event) => {
    const { ipc, calls } = setup();
    expect(await ipc.call(IPC_INVOKE.getHistory, event, '2026-11-24')).toEqual({
      ok: false,
      error: 'refused: the request did not come from the dashboard window',
    });
    expect(calls).toEqual([]);
  });

  it.each([
    [IPC_INVOKE.getHistory, ['yesterday'], /^bad arguments: 0: expected a date as YYYY-MM-DD/],
    [IPC_INVOKE.getHistory, [], /^bad arguments/],
    [IPC_INVOKE.getStats, ['2026-11-24', '2026-11-01'], /from must not be after to/],
    [IPC_INVOKE.sendCommand, [{ type: 'format_disk' }], /^bad arguments/],
    [IPC_INVOKE.getSnapshot, ['extra'], /^bad arguments/],
    [IPC_INVOKE.snooze, ['soon'], /^bad arguments/],
    [
      IPC_INVOKE.exportData,
      [{ from: '2026-11-24', to: '2026-11-01', format: 'csv', what: 'sessions' }],
      /from must not be after to/,
    ],
    [
      IPC_INVOKE.exportData,
      [{ from: '2026-11-01', to: '2026-11-24', format: 'xlsx', what: 'sessions' }],
      /^bad arguments/,
    ],
  ])('check the arguments of %s %j', async (channel, args, error) => {
    const { ipc, calls } = setup();
    const result = (await ipc.call(channel, WINDOW, ...args)) as { ok: boolean; error: string };
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(error);
    expect(calls).toEqual([]);
  });

  it('hand a valid export to the host, which chooses where it goes', async () => {
    const { ipc, calls } = setup();
    const query = { from: '2026-11-01', to: '2026-11-24', format: 'json', what: 'events' };
    expect(await ipc.call(IPC_INVOKE.exportData, WINDOW, query)).toEqual({
      ok: true,
      value: { status: 'cancelled', message: 'Export cancelled' },
    });
    expect(calls).toEqual(['export events 2026-11-01..2026-11-24 json']);
  });

  it('turn a failure into {ok: false, error} with its reason', async () => {
    const { ipc } = setup();
    expect(await ipc.call(IPC_INVOKE.sendCommand, WINDOW, { type: 'stop_agent', role: 'cto' })).toEqual({
      ok: false,
      error: 'commands need the Redis registry, which is not configured',
    });
  });

  it('unregister every channel', () => {
    const { ipc, unregister } = setup();
    expect(ipc.handlers.size).toBe(Object.keys(IPC_INVOKE).length);
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });
});
