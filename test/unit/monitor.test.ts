import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Readings } from '../../src/main/core/readings';
import { Monitor, type MonitorOptions } from '../../src/main/monitor/monitor';
import { JsonlStore } from '../../src/main/sources/jsonlStore';
import type { EventHandlers } from '../../src/main/sources/redis/redisRegistry';
import { readRegistryEvent } from '../../src/main/sources/redis/registryEvent';
import { type Snapshot } from '../../src/shared/model';
import { monitorEventSchema, resourceSampleSchema, type MonitorEvent } from '../../src/shared/monitorEvent';
import { ok, readingsAt, registryAgent, registryData, SETTINGS } from '../support/readings';
import { recordingLog } from '../support/recordingLog';

const POLL = 5000;

beforeEach(() => {
  vi.useFakeTimers({ now: Date.parse('2026-11-24T14:28:28Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A source reader that takes `delayMs` of fake time and counts how many reads overlap. */
function slowReader(delayMs = 0) {
  const stats = { reads: 0, inFlight: 0, maxInFlight: 0 };
  const read = async (now: number): Promise<Readings> => {
    stats.reads += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    stats.inFlight -= 1;
    return readingsAt(now);
  };
  return { read, stats };
}

function monitorWith(options: Partial<MonitorOptions> & Pick<MonitorOptions, 'read'>): Monitor {
  return new Monitor({ settings: SETTINGS, pollMs: POLL, ...options });
}

describe('the poll loop', () => {
  it('polls once at start and then every interval', async () => {
    const { read, stats } = slowReader();
    const monitor = monitorWith({ read });
    await monitor.start();
    expect(stats.reads).toBe(1);
    await vi.advanceTimersByTimeAsync(POLL);
    expect(stats.reads).toBe(2);
    await vi.advanceTimersByTimeAsync(3 * POLL);
    expect(stats.reads).toBe(5);
    await monitor.stop();
    await vi.advanceTimersByTimeAsync(10 * POLL);
    expect(stats.reads).toBe(5);
  });

  it('skips ticks while a slow poll runs, and never runs two at once', async () => {
    const { read, stats } = slowReader(12_000);
    const monitor = monitorWith({ read });
    const started = monitor.start();
    await vi.advanceTimersByTimeAsync(12_000);
    await started;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stats.maxInFlight).toBe(1);
    expect(monitor.skippedTicks).toBeGreaterThan(0);
    // 72 s of 12 s polls, back to back at best.
    expect(stats.reads).toBeLessThanOrEqual(6);
    await monitor.stop();
  });

  it('polls at once on an announcement, and once more for the rest of a burst', async () => {
    const { read, stats } = slowReader();
    const monitor = monitorWith({ read });
    await monitor.start();
    for (let burst = 0; burst < 5; burst += 1) monitor.wake();
    // The first announcement polled without waiting.
    expect(stats.reads).toBe(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(stats.reads).toBe(3);
    await vi.advanceTimersByTimeAsync(100);
    expect(stats.reads).toBe(3);
    await monitor.stop();
  });

  it('polls again right after a running poll when woken during it', async () => {
    const { read, stats } = slowReader(1000);
    const monitor = monitorWith({ read });
    const started = monitor.start();
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    await vi.advanceTimersByTimeAsync(POLL - 1000 + 10);
    expect(stats.inFlight).toBe(1);
    monitor.wake();
    await vi.advanceTimersByTimeAsync(1100);
    expect(stats.reads).toBe(3);
    expect(stats.maxInFlight).toBe(1);
    const stopped = monitor.stop();
    await vi.advanceTimersByTimeAsync(1000);
    await stopped;
  });

  it('hands every subscriber the same frozen snapshot, and survives a listener that throws', async () => {
    const { read } = slowReader();
    const { log, lines } = recordingLog();
    const monitor = monitorWith({ read, log });
    const seen: Snapshot[][] = [[], []];
    monitor.onSnapshot(() => {
      throw new Error('renderer gone');
    });
    monitor.onSnapshot((snapshot) => seen[0]?.push(snapshot));
    const unsubscribe = monitor.onSnapshot((snapshot) => seen[1]?.push(snapshot));
    await monitor.start();
    unsubscribe();
    await vi.advanceTimersByTimeAsync(POLL);
    expect(seen[0]).toHaveLength(2);
    expect(seen[1]).toHaveLength(1);
    expect(seen[0]?.[0]).toBe(seen[1]?.[0]);
    expect(Object.isFrozen(seen[0]?.[0])).toBe(true);
    expect(lines).toEqual(['error a listener failed: renderer gone', 'error a listener failed: renderer gone']);
    expect(monitor.current()).toBe(seen[0]?.[1]);
    await monitor.stop();
  });

  it('keeps a snooze set while a poll is running', async () => {
    const { read } = slowReader(1000);
    const monitor = monitorWith({ read });
    const started = monitor.start();
    const until = Date.now() + 3_600_000;
    monitor.snooze(until);
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    expect(monitor.snoozedUntil()).toBe(until);
    monitor.resumeNotifications();
    expect(monitor.snoozedUntil()).toBeNull();
    await monitor.stop();
  });
});

describe("the delegator's events", () => {
  it('enter the event stream at once, wake the monitor, and bad ones count against the registry', async () => {
    const { read, stats } = slowReader();
    const subscription: { handlers?: EventHandlers } = {};
    const subscribe = (given: EventHandlers) => {
      subscription.handlers = given;
      return Promise.resolve(() => Promise.resolve());
    };
    const monitor = monitorWith({ read, subscribe });
    const streamed: MonitorEvent[] = [];
    monitor.onEvent((event) => streamed.push(event));
    await monitor.start();
    const parsed = readRegistryEvent(
      '{"type":"agent_spawned","at":"2026-11-24T14:28:30Z","role":"cto","model":"deepseek-coder:33b"}',
    );
    const { handlers } = subscription;
    if (!parsed.ok || !handlers) throw new Error('the monitor did not subscribe');
    handlers.onEvent(parsed.event);
    handlers.onMalformed('event: not JSON');
    expect(streamed.map((event) => [event.type, event.origin, event.message])).toEqual([
      ['agent_spawned', 'registry', 'CTO spawned (deepseek-coder:33b)'],
    ]);
    await vi.advanceTimersByTimeAsync(100);
    expect(stats.reads).toBe(2);
    expect(monitor.current()?.sources.registry).toMatchObject({
      dropped: 1,
      droppedReasons: ['event: not JSON (message 1)'],
      droppedTotal: 1,
    });
    // Ten more with the same fault, then a flood: each message is an entry of its own, counted past the reasons kept.
    for (let message = 0; message < 10; message += 1) handlers.onMalformed('event: not JSON');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(monitor.current()?.sources.registry).toMatchObject({ dropped: 10, droppedTotal: 11 });
    for (let message = 0; message < 5_000; message += 1) handlers.onMalformed('event: not JSON');
    await vi.advanceTimersByTimeAsync(5_000);
    const registry = monitor.current()?.sources.registry;
    expect([registry?.dropped, registry?.droppedTotal, registry?.droppedReasons.length]).toEqual([5_000, 5_011, 20]);
    await monitor.stop();
  });

  it('are subscribed to again on a later tick when Redis was down at start', async () => {
    const { read } = slowReader();
    let attempts = 0;
    const subscribe = () => {
      attempts += 1;
      return attempts === 1
        ? Promise.reject(new Error('Connection is closed.'))
        : Promise.resolve(() => Promise.resolve());
    };
    const monitor = monitorWith({ read, subscribe });
    await monitor.start();
    await vi.advanceTimersByTimeAsync(POLL);
    await vi.advanceTimersByTimeAsync(POLL);
    expect(attempts).toBe(2);
    await monitor.stop();
  });
});

describe('kept across restarts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'monitor-store-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const storeIn = (limit = 100) => ({
    series: new JsonlStore(join(dir, 'series.jsonl'), resourceSampleSchema, limit),
    events: new JsonlStore(join(dir, 'events.jsonl'), monitorEventSchema, limit),
  });

  it('the resource series and the event log survive a restart, bounded', async () => {
    let reads = 0;
    // The test lead stops after the first poll, which the event log records.
    const read = (now: number): Promise<Readings> => {
      reads += 1;
      return Promise.resolve(
        reads === 1
          ? readingsAt(now)
          : readingsAt(now, { registry: ok(registryData([registryAgent('senior_developer', 'deepseek-coder:6.7b')])) }),
      );
    };
    const first = monitorWith({ read, store: storeIn(), seriesLimit: 3 });
    await first.start();
    await vi.advanceTimersByTimeAsync(4 * POLL);
    await first.stop();
    expect(first.series()).toHaveLength(3);
    const { log, lines } = recordingLog();
    await writeFile(join(dir, 'events.jsonl'), `${await readFile(join(dir, 'events.jsonl'), 'utf8')}{"broken":\n`);
    const second = monitorWith({ read: slowReader().read, store: storeIn(), seriesLimit: 3, log });
    await second.start();
    expect(second.series().slice(0, 2)).toEqual(first.series().slice(1));
    expect(second.events().map((event) => event.type)).toEqual(['agent_stopped']);
    expect(lines).toEqual([
      expect.stringMatching(/^warn left out .*events\.jsonl line \d+: not JSON$/),
      'debug kept history read (samples: 3, events: 1)',
    ]);
    await second.stop();
  });

  it('rewrites the file once it holds twice the limit', async () => {
    const store = new JsonlStore(join(dir, 'numbers.jsonl'), resourceSampleSchema.shape.agents, 3);
    const all: (number | null)[] = [];
    for (let value = 1; value <= 7; value += 1) {
      all.push(value);
      await store.append([value], all);
    }
    expect((await readFile(join(dir, 'numbers.jsonl'), 'utf8')).trim().split('\n')).toEqual(['5', '6', '7']);
    expect((await store.load()).value).toEqual([5, 6, 7]);
  });
});
