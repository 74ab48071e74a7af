// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHttpMonitorApi } from '../../src/renderer/src/api/httpMonitorApi';
import { TOKEN_HEADER } from '../../src/shared/api';
import { OPERATIONS } from '../../src/shared/operations';
import { snapshotAt } from '../support/snapshots';

interface Sent {
  readonly url: string;
  readonly method: string;
  readonly key: string | null;
  readonly body: unknown;
}

const KEY = 'k3y-0123456789abcdef';
let sent: Sent[];
let answer: Response;

const json = (status: number, value: unknown): Response =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  sent = [];
  answer = json(200, {});
  window.localStorage.setItem('delegator-monitor.control-key', KEY);
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : null;
      sent.push({ url, method: init.method ?? 'GET', key: new Headers(init.headers).get(TOKEN_HEADER), body });
      return Promise.resolve(answer);
    }),
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe("the browser's requests, as the operations table describes them", () => {
  it('asks a read with a GET, its arguments in the query string, and no key', async () => {
    const base = 'http://monitor.test';
    const api = createHttpMonitorApi(base, window.localStorage);
    answer = json(200, []);
    await api.getHistory('2026-03-10');
    answer = json(200, []);
    await api.getSeries();
    expect(sent).toEqual([
      { url: `${base}${OPERATIONS.getHistory.http.path}?date=2026-03-10`, method: 'GET', key: null, body: null },
      { url: `${base}${OPERATIONS.getSeries.http.path}`, method: 'GET', key: null, body: null },
    ]);
  });

  it('keeps the order of arguments in the query string', async () => {
    answer = json(500, { error: 'not in this test' });
    await expect(createHttpMonitorApi().getStats('2026-03-01', '2026-03-31')).rejects.toThrow('not in this test');
    expect(sent[0]?.url).toBe(`${OPERATIONS.getStats.http.path}?from=2026-03-01&to=2026-03-31`);
  });

  it('sends a control as a POST with a JSON body and the key', async () => {
    const api = createHttpMonitorApi('', window.localStorage);
    answer = json(200, { snoozedUntil: '2026-11-24T15:00:00.000Z' });
    await api.snooze('2026-11-24T16:00:00+01:00');
    answer = json(200, { ok: true, id: 'c' });
    await api.sendCommand({ type: 'stop_agent', role: 'cto' });
    answer = json(200, { snoozedUntil: null });
    await api.resumeNotifications();
    expect(sent).toEqual([
      { url: OPERATIONS.snooze.http.path, method: 'POST', key: KEY, body: { until: '2026-11-24T16:00:00+01:00' } },
      { url: OPERATIONS.sendCommand.http.path, method: 'POST', key: KEY, body: { type: 'stop_agent', role: 'cto' } },
      { url: OPERATIONS.resumeNotifications.http.path, method: 'POST', key: KEY, body: {} },
    ]);
  });

  it('reads a 503 of the snapshot as none yet, and any other refusal as its reason', async () => {
    const api = createHttpMonitorApi();
    answer = json(503, { error: 'the first poll has not finished yet' });
    await expect(api.getSnapshot()).resolves.toBeNull();
    answer = json(503, { error: 'PostgreSQL: connect ECONNREFUSED' });
    await expect(api.getHistory('2026-03-10')).rejects.toThrow('PostgreSQL: connect ECONNREFUSED');
  });

  it('checks every answer against the result the table gives', async () => {
    const api = createHttpMonitorApi();
    const snapshot = snapshotAt(Date.parse('2026-11-24T14:28:28Z'));
    answer = json(200, snapshot);
    await expect(api.getSnapshot()).resolves.toEqual(snapshot);
    answer = json(200, [{ at: 'not an instant' }]);
    await expect(api.getSeries()).rejects.toThrow();
    answer = json(200, { snoozedUntil: 'tomorrow' });
    await expect(api.resumeNotifications()).rejects.toThrow();
  });
});
