import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/main/config';
import { DEFAULT_RECONCILE_SETTINGS } from '../../src/main/core/reconcile';
import { Monitor } from '../../src/main/monitor/monitor';
import { openSources, type OpenSources } from '../../src/main/sources/openSources';
import { readSources } from '../../src/main/sources/readSources';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import type { Snapshot } from '../../src/shared/model';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { RECORDED_PS, startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { redisServerMissing } from '../support/needs';
import { startPostgres, startRedis, type ControllableServer } from '../support/servers';
import { recordingLog } from '../support/recordingLog';
import { insertSessions } from '../support/sessionRows';
import { postgresServerMissing } from '../support/testDatabase';

// Servers of this file's own, which it stops and freezes: PostgreSQL's and Redis's processes.
const noPostgres = postgresServerMissing();
const noRedis = redisServerMissing();

const POLL_MS = 500;
const PREFIX = 'delegator:';

let postgres: ControllableServer;
let redisServer: ControllableServer;
let ollama: FakeOllama;
let open: OpenSources;
let monitor: Monitor;
let admin: pg.Pool;
let redis: Redis;
const unhandled: unknown[] = [];
// What the monitor warns of or fails at itself: a source that fails is in its health, never here.
const { log: monitorLog, lines: problems } = recordingLog('warn');
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

/** Resolves with the first snapshot, current or coming, that satisfies `test`. */
function snapshotWhere(test: (snapshot: Snapshot) => boolean, timeoutMs = 8000): Promise<Snapshot> {
  const current = monitor.current();
  if (current && test(current)) return Promise.resolve(current);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(
          `no such snapshot within ${timeoutMs} ms; last sources: ${JSON.stringify(monitor.current()?.sources)}`,
        ),
      );
    }, timeoutMs);
    const stop = monitor.onSnapshot((snapshot) => {
      if (!test(snapshot)) return;
      clearTimeout(timer);
      stop();
      resolve(snapshot);
    });
  });
}

const state = (source: 'postgres' | 'registry' | 'ollama') => (snapshot: Snapshot) => snapshot.sources[source].state;

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  // Servers of its own: this file stops and freezes them.
  [postgres, redisServer, ollama] = await Promise.all([startPostgres(), startRedis(), startFakeOllama()]);
  admin = new pg.Pool({ connectionString: postgres.url, max: 2 });
  admin.on('error', () => undefined);
  await createStandaloneTables(admin);
  const startedAt = new Date(Date.now() - 5 * 60_000).toISOString();
  await insertSessions(admin, [{ sessionId: 'live', category: 'development', startedAt }]);
  redis = new Redis(redisServer.url, { retryStrategy: () => 200 });
  redis.on('error', () => undefined);
  await redis.hset(`${PREFIX}agents`, {
    senior_developer: JSON.stringify({
      role: 'senior_developer',
      model: 'deepseek-coder:6.7b',
      session_id: 'live',
      spawned_at: startedAt,
    }),
    test_lead: JSON.stringify({ role: 'test_lead', model: 'codellama:13b', session_id: 'live', spawned_at: startedAt }),
  });
  const config = loadConfig({
    // Other test files run ECHO-like agent processes side by side; this one is not about them.
    MONITOR_AGENT_PROCESSES: 'off',
    DATABASE_URL: postgres.url,
    REDIS_URL: redisServer.url,
    OLLAMA_ENDPOINT: ollama.endpoint,
    MONITOR_TIMEOUT_MS: '1000',
  });
  open = await openSources(config, { timeZone: 'UTC', persistent: true });
  const subscriber = open.subscriber;
  const registry = open.sources.registry;
  monitor = new Monitor({
    read: (now) => readSources(open.sources, now),
    subscribe: subscriber && registry ? (handlers) => registry.subscribe(subscriber, handlers) : undefined,
    settings: { timeZone: 'UTC', registryMode: 'auto', alerts: config.alerts, reconcile: DEFAULT_RECONCILE_SETTINGS },
    pollMs: POLL_MS,
    log: monitorLog,
  });
  await monitor.start();
  await snapshotWhere((snapshot) =>
    ['postgres', 'registry', 'ollama'].every((name) => snapshot.sources[name as 'postgres'].state === 'ok'),
  );
}, 60_000);

afterEach(() => {
  expect(unhandled).toEqual([]);
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await monitor.stop();
  await open.close();
  redis.disconnect();
  await admin.end();
  await Promise.all([postgres.stop(), redisServer.stop(), ollama.close()]);
  process.off('unhandledRejection', onUnhandled);
});

describe.skipIf(noPostgres !== null || noRedis !== null)('the monitor against servers that fail', () => {
  it('keeps showing sessions while PostgreSQL restarts, then recovers', async () => {
    await postgres.halt();
    const down = await snapshotWhere((snapshot) => state('postgres')(snapshot) === 'stale');
    expect(down.summary.activeSessions).toBe(1);
    expect(down.activeSessions?.map((session) => session.sessionId)).toEqual(['live']);
    // A poll that connects while PostgreSQL is still stopping is told so (57P03) rather than refused.
    expect(down.sources.postgres.error).toMatch(/ECONNREFUSED|ECONNRESET|terminat|closed|timeout|shutting down/i);
    await postgres.launch();
    const back = await snapshotWhere((snapshot) => state('postgres')(snapshot) === 'ok');
    expect(back.sources.postgres.lastError).toBe(down.sources.postgres.error);
  }, 30_000);

  it('fails a poll within the timeout when PostgreSQL is frozen, and recovers when it thaws', async () => {
    postgres.pause();
    try {
      const frozenAt = Date.now();
      const stale = await snapshotWhere((snapshot) => state('postgres')(snapshot) === 'stale');
      // One timeout of 1 s, plus at most one poll interval to notice.
      expect(Date.now() - frozenAt).toBeLessThan(3000 + POLL_MS);
      expect(stale.summary.activeSessions).toBe(1);
      // The rest of the monitor keeps going meanwhile.
      expect(stale.sources.registry.state).toBe('ok');
    } finally {
      postgres.resume();
    }
    await snapshotWhere((snapshot) => state('postgres')(snapshot) === 'ok');
  }, 30_000);

  it('fails a poll within the timeout and a little when Redis is frozen, and recovers when it thaws', async () => {
    redisServer.pause();
    try {
      const frozenAt = Date.now();
      const stale = await snapshotWhere((snapshot) => state('registry')(snapshot) === 'stale');
      // The read's one bound is the timeout of 1 s, plus at most one poll interval to notice.
      expect(Date.now() - frozenAt).toBeLessThan(1000 * 1.5 + POLL_MS);
      expect(stale.sources.registry.error).toBe('Redis: Command timed out');
      expect(stale.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
      expect(stale.sources.postgres.state).toBe('ok');
    } finally {
      redisServer.resume();
    }
    await snapshotWhere((snapshot) => state('registry')(snapshot) === 'ok');
  }, 30_000);

  it('rides out Redis down for 30 s, showing the last agents as stale, and resubscribes when it is back', async () => {
    await redisServer.halt();
    const stale = await snapshotWhere((snapshot) => state('registry')(snapshot) === 'stale');
    expect(stale.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
    expect(stale.summary.agentsFrom).toEqual(['registry']);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const during = monitor.current();
    expect(during?.sources.registry.state).toBe('stale');
    expect(during?.sources.registry.ageSeconds).toBeGreaterThanOrEqual(29);
    expect(Date.now() - Date.parse(during?.takenAt ?? '')).toBeLessThan(3000);
    await redisServer.launch();
    const back = await snapshotWhere((snapshot) => state('registry')(snapshot) === 'ok');
    expect(back.agents).toEqual([]);
    // The restarted Redis lost its data; the delegator writes it again and announces it.
    const heard = new Promise<MonitorEvent>((resolve) => {
      const stop = monitor.onEvent((event) => {
        if (event.origin !== 'registry') return;
        stop();
        resolve(event);
      });
    });
    const publish = async (): Promise<void> => {
      await redis.hset(`${PREFIX}agents`, 'cto', JSON.stringify({ role: 'cto', model: 'deepseek-coder:33b' }));
      await redis.publish(
        `${PREFIX}events`,
        JSON.stringify({ type: 'agent_spawned', at: new Date().toISOString(), role: 'cto' }),
      );
    };
    // The subscription comes back on a tick after Redis does; publish until it hears.
    const interval = setInterval(() => void publish().catch(() => undefined), 300);
    try {
      expect((await heard).role).toBe('cto');
    } finally {
      clearInterval(interval);
    }
    await snapshotWhere((snapshot) => snapshot.agents?.some((agent) => agent.role === 'cto') ?? false);
  }, 60_000);

  it('drops garbage rows and registry entries, counts them, and goes on', async () => {
    await insertSessions(admin, [{ sessionId: 'garbage', startedAt: 'infinity' }]);
    await redis.hset(`${PREFIX}agents`, 'ceo', '{"role":');
    const noisy = await snapshotWhere(
      (snapshot) => snapshot.sources.postgres.dropped > 0 && snapshot.sources.registry.dropped > 0,
    );
    expect(noisy.sources.postgres).toMatchObject({
      state: 'ok',
      droppedReasons: [expect.stringMatching(/^session garbage:/)],
    });
    expect(noisy.sources.registry).toMatchObject({ state: 'ok', droppedReasons: ['agent ceo: not JSON'] });
    expect(noisy.activeSessions?.map((session) => session.sessionId)).toEqual(['live']);
    await admin.query("DELETE FROM delegator_sessions WHERE session_id = 'garbage'");
    await redis.hdel(`${PREFIX}agents`, 'ceo');
    const clean = await snapshotWhere(
      (snapshot) => snapshot.sources.postgres.dropped === 0 && snapshot.sources.registry.dropped === 0,
    );
    expect(clean.sources.postgres.droppedTotal).toBe(1);
  }, 30_000);

  it('keeps the last models while Ollama answers garbage or hangs, and recovers', async () => {
    ollama.behave({ kind: 'answer', body: 'not json at all' });
    const garbage = await snapshotWhere((snapshot) => state('ollama')(snapshot) === 'stale');
    expect(garbage.sources.ollama.error).toBe('Ollama: the answer to /api/ps is not JSON');
    // As last read, biggest first.
    expect(garbage.residentModels?.map((model) => model.name)).toEqual(['codellama:13b', 'deepseek-coder:6.7b']);
    ollama.behave({ kind: 'hang' });
    const hung = await snapshotWhere((snapshot) => /timeout/i.test(snapshot.sources.ollama.error ?? ''));
    expect(hung.sources.ollama.state).toBe('stale');
    expect(hung.sources.postgres.state).toBe('ok');
    ollama.behave({ kind: 'answer', body: RECORDED_PS });
    await snapshotWhere((snapshot) => state('ollama')(snapshot) === 'ok');
  }, 30_000);
});
