import { describe, expect, it, vi } from 'vitest';
import { CONTROL_OUTCOME_MS, createMonitorStore } from '../../src/renderer/src/store/monitorStore';
import { FakeMonitorApi } from '../support/fakeMonitorApi';
import { stats } from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T14:28:28Z');

describe('the dashboard store', () => {
  it('subscribes before it pulls, and keeps a newer pushed snapshot over an older pulled one', async () => {
    const api = new FakeMonitorApi();
    api.snapshot = snapshotAt(NOW);
    const store = createMonitorStore(api, () => 1000);
    const starting = store.getState().start();
    // An update arrives while the pull is on its way.
    api.push(snapshotAt(NOW + 5000));
    await starting;
    expect(api.calls.slice(0, 2)).toEqual(['onSnapshot', 'getSnapshot']);
    expect(store.getState().snapshot?.takenAt).toBe('2026-11-24T14:28:33.000Z');
    expect(store.getState().connection.status).toBe('live');
    expect(store.getState().series.map((sample) => sample.at)).toEqual(['2026-11-24T14:28:33.000Z']);
  });

  it('keeps the clock anchor while snapshots agree with it, so ticking durations need not redraw', async () => {
    let localClock = 1_000_000;
    const api = new FakeMonitorApi();
    const store = createMonitorStore(api, () => localClock);
    await store.getState().start();
    api.push(snapshotAt(NOW));
    const first = store.getState().clock;
    expect(first).toEqual({ takenAt: '2026-11-24T14:28:28.000Z', receivedAt: 1_000_000 });

    // Five seconds later by both clocks, give or take transport.
    localClock += 5_120;
    api.push(snapshotAt(NOW + 5000));
    expect(store.getState().clock).toBe(first);

    // The local clock jumped back a minute: the durations follow the new snapshot.
    localClock -= 60_000;
    api.push(snapshotAt(NOW + 10_000));
    expect(store.getState().clock).toEqual({ takenAt: '2026-11-24T14:28:38.000Z', receivedAt: localClock });
  });

  it('takes each pushed snapshot and event, once', async () => {
    const api = new FakeMonitorApi();
    const store = createMonitorStore(api);
    await store.getState().start();
    api.push(snapshotAt(NOW));
    api.push(snapshotAt(NOW + 5000));
    const event = {
      id: 'e1',
      at: '2026-11-24T14:28:30.000Z',
      type: 'agent_spawned' as const,
      origin: 'registry' as const,
      message: 'CTO spawned',
    };
    api.emit(event);
    store.getState().receiveEvent(event);
    expect(store.getState().series).toHaveLength(2);
    expect(store.getState().events).toEqual([event]);
  });

  it("shows today's history live and asks for another day's", async () => {
    const api = new FakeMonitorApi();
    api.snapshot = snapshotAt(NOW);
    api.histories.set('2026-11-20', [
      { ...api.snapshot.history?.[0], sessionId: 'past', durationSeconds: 60 } as never,
    ]);
    const store = createMonitorStore(api);
    await store.getState().start();
    await store.getState().selectHistoryDate('2026-11-20');
    expect(store.getState().historyDate).toBe('2026-11-20');
    expect(store.getState().pastHistory.sessions.map((session) => session.sessionId)).toEqual(['past']);
    await store.getState().selectHistoryDate('2026-11-24');
    expect(store.getState().historyDate).toBeNull();
    expect(api.calls.filter((call) => call.startsWith('getHistory'))).toEqual(['getHistory 2026-11-20']);
  });

  it('asks for 7 and 30 days of figures ending today, and keeps the error when that fails', async () => {
    const api = new FakeMonitorApi();
    api.snapshot = snapshotAt(NOW);
    api.stats = (from, to) => stats({ from, to, totalSessions: 40 });
    const store = createMonitorStore(api);
    await store.getState().start();
    await store.getState().selectStatsRange('7d');
    expect(store.getState().rangeStats.value).toMatchObject({
      from: '2026-11-18',
      to: '2026-11-24',
      totalSessions: 40,
    });
    await store.getState().selectStatsRange('30d');
    expect(api.calls.at(-1)).toBe('getStats 2026-10-26 2026-11-24');
    api.stats = () => {
      throw new Error('503: PostgreSQL is down');
    };
    await store.getState().selectStatsRange('7d');
    expect(store.getState().rangeStats).toEqual({ value: null, loading: false, error: '503: PostgreSQL is down' });
  });

  it('says the connection is lost when the first pull fails', async () => {
    const api = new FakeMonitorApi();
    api.getSnapshot = () => Promise.reject(new Error('Failed to fetch'));
    const store = createMonitorStore(api);
    await store.getState().start();
    expect(store.getState().connection).toEqual({ status: 'lost', error: 'Failed to fetch' });
  });
});

describe('a control', () => {
  it('says how its command ended for a while, then makes room for a fresh one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const api = new FakeMonitorApi();
      api.answerCommand = () => Promise.resolve({ ok: false, id: 'c', failure: 'refused', error: 'busy' });
      const store = createMonitorStore(api);
      await store.getState().runControl({ type: 'stop_agent', role: 'cto' });
      expect(store.getState().controls['stop_agent:cto']).toEqual({ status: 'failed', text: 'Refused: busy' });
      vi.advanceTimersByTime(CONTROL_OUTCOME_MS);
      expect(store.getState().controls).toEqual({});
    } finally {
      vi.useRealTimers();
    }
  });
});
