import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monitorHandlers, registerHandlers, type Handler, type IpcMainLike } from '../../src/main/desktop/ipcHandlers';
import { createWebServer } from '../../src/main/web/webServer';
import { HTTP_ROUTES, TOKEN_HEADER, type MonitorApi } from '../../src/shared/api';
import { type ExportOutcome, type ExportQuery } from '../../src/shared/apiSchemas';
import { IPC_INVOKE, OPERATION_NAMES } from '../../src/shared/ipcChannels';
import { OPERATIONS } from '../../src/shared/operations';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { http } from '../support/http';
import { idleService } from '../support/idleService';

// Electron cannot start here: this stands in for what the preload uses, handing its calls to the handlers below.
const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>(),
}));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, ...args: unknown[]) => {
      electron.invoked.push([channel, ...args]);
      const handler = electron.handlers.get(channel);
      if (handler === undefined) return Promise.resolve({ ok: false, error: `nothing handles ${channel}` });
      return handler({}, ...args);
    },
    on: () => undefined,
    removeListener: () => undefined,
  },
}));

const CONTROL_KEY = 'control-key-0123456789abcdef';
const PUSHES = ['onSnapshot', 'onEvent', 'onFocus'];
const sorted = (names: Iterable<string>): string[] => [...names].sort();

const saveNothing = (query: ExportQuery): Promise<ExportOutcome> =>
  Promise.resolve({ status: 'cancelled', message: `no ${query.what} saved` });
const handlers = (): Readonly<Record<string, Handler>> => monitorHandlers(idleService(), saveNothing);

describe('the operations table', () => {
  it.each(OPERATION_NAMES)('holds %s under its own name, with its own channel', (name) => {
    const operation = OPERATIONS[name];
    expect(operation.name).toBe(name);
    expect(operation.channel).toBe(IPC_INVOKE[name]);
    expect(operation.description).toMatch(/^[A-Z][^\n]{10,118}[^.\n]$/);
    expect(operation.http.path).toMatch(/^\/api\/[a-z]+$/);
  });

  it('gives no two operations the same channel or the same path', () => {
    const channels = OPERATION_NAMES.map((name) => OPERATIONS[name].channel);
    const paths = OPERATION_NAMES.map((name) => OPERATIONS[name].http.path);
    expect(new Set(channels).size).toBe(OPERATION_NAMES.length);
    expect(new Set(paths).size).toBe(OPERATION_NAMES.length);
    expect(paths).not.toContain(HTTP_ROUTES.stream);
    for (const path of paths) expect(Object.values(HTTP_ROUTES)).toContain(path);
  });

  it('serves every control as a POST with a JSON body, and every read as a GET with a query string', () => {
    for (const name of OPERATION_NAMES) {
      const { access, http: form } = OPERATIONS[name];
      const expected = access === 'control' ? ['POST', 'body'] : ['GET', 'query'];
      expect([name, form.method, form.carries]).toEqual([name, ...expected]);
    }
  });

  it('takes the same arguments in order as by name, a rule between them holding in the object form', () => {
    const stats = OPERATIONS.getStats.arguments;
    expect(stats.toNamed(['2026-11-01', '2026-11-24'])).toEqual({ from: '2026-11-01', to: '2026-11-24' });
    expect(stats.toPositional({ from: '2026-11-01', to: '2026-11-24' })).toEqual(['2026-11-01', '2026-11-24']);
    expect(stats.positional.safeParse(['2026-11-24', '2026-11-01']).success).toBe(true);
    expect(stats.named.safeParse({ from: '2026-11-24', to: '2026-11-01' }).success).toBe(false);
    const command = { type: 'stop_agent', role: 'cto' } as const;
    expect(OPERATIONS.sendCommand.arguments.toNamed([command])).toBe(command);
    const until = '2026-11-24T16:00:00+01:00';
    expect(OPERATIONS.snooze.arguments.toNamed([until])).toEqual({ until });
    expect(OPERATIONS.getSeries.arguments.positional.safeParse(['extra']).success).toBe(false);
  });
});

describe('IPC and HTTP', () => {
  let server: Server;
  let detach: () => void;
  let port: number;
  beforeAll(async () => {
    const options = { service: idleService(), controlKey: CONTROL_KEY, boundHost: '127.0.0.1', rendererDir: null };
    ({ server, detach } = createWebServer(options));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => {
    detach();
    server.close();
  });

  it('handle every operation over IPC, and nothing else', () => {
    expect(sorted(Object.keys(handlers()))).toEqual(sorted(OPERATION_NAMES.map((name) => OPERATIONS[name].channel)));
  });

  it.each(OPERATION_NAMES)('serve %s over HTTP, with its method alone, a control only with the key', async (name) => {
    const { method, path } = OPERATIONS[name].http;
    const ask = (asked: string, key: string | null) =>
      http({
        port,
        path,
        method: asked,
        headers: { 'content-type': 'application/json', ...(key === null ? {} : { [TOKEN_HEADER]: key }) },
        ...(asked === 'POST' ? { body: '{}' } : {}),
      });
    const keyed = await ask(method, CONTROL_KEY);
    expect([404, 405]).not.toContain(keyed.status);
    expect((await ask(method === 'GET' ? 'POST' : 'GET', CONTROL_KEY)).status).toBe(405);
    expect((await ask(method, null)).status).toBe(OPERATIONS[name].access === 'control' ? 401 : keyed.status);
  });
});

describe('the preload', () => {
  let monitor: MonitorApi;
  beforeAll(async () => {
    const ipc: IpcMainLike = {
      handle: (channel, listener) => {
        electron.handlers.set(channel, listener as (event: unknown, ...args: unknown[]) => Promise<unknown>);
      },
      removeHandler: (channel) => electron.handlers.delete(channel),
    };
    // Which window may ask is monitorHandlers.test.ts's matter; here every call is the dashboard's.
    registerHandlers(ipc, () => true, handlers());
    await import('../../src/preload/index');
    monitor = electron.exposed.get('monitor') as MonitorApi;
  });

  it("offers the page exactly the table's operations and the pushes", () => {
    expect(sorted(Object.keys(monitor))).toEqual(sorted([...OPERATION_NAMES, ...PUSHES]));
  });

  it.each(OPERATION_NAMES)('sends %s on its channel with its arguments as given', async (name) => {
    const call = (monitor as unknown as Readonly<Record<string, (...args: unknown[]) => Promise<unknown>>>)[name];
    await call?.('first', 2).catch(() => undefined);
    expect(electron.invoked.at(-1)).toEqual([OPERATIONS[name].channel, 'first', 2]);
  });

  it('reaches the handlers, which check what it sends', async () => {
    await expect(monitor.getSeries()).resolves.toEqual([]);
    await expect(monitor.getHistory('yesterday')).rejects.toThrow(/^bad arguments: 0: expected a date as YYYY-MM-DD/);
    await expect(monitor.getStats('2026-11-24', '2026-11-01')).rejects.toThrow(/from must not be after to/);
    const query = { from: '2026-11-01', to: '2026-11-24', format: 'csv', what: 'events' } as const;
    await expect(monitor.exportData(query)).resolves.toEqual({ status: 'cancelled', message: 'no events saved' });
  });
});

describe('the fake monitor of the dashboard tests', () => {
  it('has every operation, and one no test scripted refuses with its name', async () => {
    const fake = new FakeMonitorApi();
    for (const name of OPERATION_NAMES) expect(typeof fake[name]).toBe('function');
    Reflect.deleteProperty(fake, 'snooze');
    await expect(fake.snooze('2026-11-24T16:00:00Z')).rejects.toThrow('the fake monitor has no answer for snooze');
    expect(fake.unscripted).toEqual(['snooze']);
  });
});
