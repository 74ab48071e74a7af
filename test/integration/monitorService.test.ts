import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatabase, describeRedis, loadConfig } from '../../src/main/config';
import { startMonitorService } from '../../src/main/monitor/monitorService';
import type { MonitorEvent } from '../../src/shared/monitorEvent';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { redisMissing } from '../support/needs';
import { recordingLog } from '../support/recordingLog';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

const noRedis = redisMissing();
let db: TestDatabase;
let redis: TestRedis;
let ollama: FakeOllama;
let dataDir: string;

beforeAll(async () => {
  [db, redis, ollama, dataDir] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    startFakeOllama(),
    mkdtemp(join(tmpdir(), 'monitor-data-')),
  ]);
  await insertSessions(db.pool, [
    { sessionId: 'live', category: 'quick_fix', startedAt: new Date(Date.now() - 60_000).toISOString() },
  ]);
});

afterAll(async () => {
  await Promise.all([db.drop(), redis.close(), ollama.close(), rm(dataDir, { recursive: true, force: true })]);
});

describe.skipIf(noRedis !== null)('startMonitorService', () => {
  it('runs against the configured sources, hears announcements at once, and keeps its history on disk', async () => {
    const config = loadConfig({
      // Other test files run ECHO-like agent processes side by side; this one is not about them.
      MONITOR_AGENT_PROCESSES: 'off',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      OLLAMA_ENDPOINT: ollama.endpoint,
      MONITOR_POLL_MS: '60000',
      MONITOR_DATA_DIR: dataDir,
    });
    const { log, lines } = recordingLog('info');
    const options = { timeZone: 'UTC', defaultDataDir: null, log };
    const { monitor, close } = await startMonitorService({ kind: 'echo', config }, options);
    try {
      expect(monitor.current()?.summary).toMatchObject({
        activeSessions: 1,
        activeAgents: 1,
        agentsFrom: ['sessions'],
      });
      const announced = new Promise<MonitorEvent>((resolve) => monitor.onEvent(resolve));
      const polled = new Promise<void>((resolve) => {
        const stop = monitor.onSnapshot((snapshot) => {
          if (!snapshot.summary.agentsFrom?.includes('registry')) return;
          stop();
          resolve();
        });
      });
      // The poll interval is a minute: only the announcement can bring the registry in this quickly.
      await redis.redis.hset(
        `${redis.prefix}agents`,
        'senior_developer',
        JSON.stringify({ role: 'senior_developer', session_id: 'live' }),
      );
      const publish = setInterval(() => {
        void redis.redis.publish(
          `${redis.prefix}events`,
          JSON.stringify({ type: 'agent_spawned', at: new Date().toISOString(), role: 'senior_developer' }),
        );
      }, 100);
      try {
        expect((await announced).message).toBe('Senior Developer spawned');
        await polled;
      } finally {
        clearInterval(publish);
      }
    } finally {
      await close();
    }
    // What it watched and when it stopped, for a log read months later; no warning, no error.
    const registry = `registry ${describeRedis(redis.url)} (${config.registryMode})`;
    const watched = `PostgreSQL ${describeDatabase(config.database)}, ${registry}`;
    expect(lines).toEqual([
      `info monitor: starting: ${watched}, Ollama ${ollama.endpoint}, a poll every 60000 ms, history in ${dataDir}`,
      'info monitor: stopped',
    ]);
    const events = await readFile(join(dataDir, 'event-log.jsonl'), 'utf8');
    expect(events).toContain('"type":"agent_spawned"');
    expect(
      (await readFile(join(dataDir, 'resource-series.jsonl'), 'utf8')).trim().split('\n').length,
    ).toBeGreaterThanOrEqual(2);
  });
});
