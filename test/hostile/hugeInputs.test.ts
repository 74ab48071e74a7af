import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { startMonitorService } from '../../src/main/monitor/monitorService';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { redisMissing } from '../support/needs';

/**
 * Valid data, only far too much of it: what a buggy or hostile delegator, or
 * a crowded Ollama, can send. The monitor keeps running, keeps every snapshot
 * and its event log small, and says what it cut.
 */
let db: TestDatabase;
let redis: TestRedis;
let ollama: FakeOllama;
let dataDir: string;

const MEGABYTE = 1_048_576;

beforeAll(async () => {
  [db, redis, ollama, dataDir] = await Promise.all([
    createTestDatabase(),
    createTestRedis(),
    startFakeOllama(),
    mkdtemp(join(tmpdir(), 'huge-inputs-')),
  ]);
  await insertSessions(db.pool, [
    { sessionId: 'huge', description: 'd'.repeat(MEGABYTE), startedAt: new Date(Date.now() - 60_000).toISOString() },
  ]);
  const models = Array.from({ length: 100_008 }, (_, index) => ({
    name: `model-${String(index)}:1b`,
    size: 1_000_000 + index,
    size_vram: 0,
  }));
  ollama.behave({ kind: 'answer', body: JSON.stringify({ models }) });
  const agents = Object.fromEntries(
    Array.from({ length: 300 }, (_, index) => [
      `role_${String(index)}`,
      JSON.stringify({ role: `role_${String(index)}`, host: 'h'.repeat(100_000) }),
    ]),
  );
  await redis.redis.hset(`${redis.prefix}agents`, agents);
});

afterAll(async () => {
  await Promise.all([db.drop(), redis.close(), ollama.close(), rm(dataDir, { recursive: true, force: true })]);
});

describe.skipIf(redisMissing() !== null)('a monitor fed valid but huge data', () => {
  it('keeps its snapshot small, and says how much it left unlisted', async () => {
    const config = loadConfig({
      MONITOR_AGENT_PROCESSES: 'off',
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix,
      OLLAMA_ENDPOINT: ollama.endpoint,
      MONITOR_POLL_MS: '60000',
      MONITOR_TIMEOUT_MS: '10000',
      MONITOR_DATA_DIR: dataDir,
    });
    const { monitor, close } = await startMonitorService(
      { kind: 'echo', config },
      { timeZone: 'UTC', defaultDataDir: null },
    );
    try {
      const snapshot = monitor.current();
      if (snapshot === null) throw new Error('no first snapshot');
      // A 1 MB description, 100,008 models and 300 agents with 100 kB hosts: 28 MB before, now a few hundred kB.
      expect(JSON.stringify(snapshot).length).toBeLessThan(400_000);
      expect(snapshot.activeSessions?.[0]?.description).toBe(`${'d'.repeat(1000)}… (cut from 1,048,576 characters)`);
      expect([snapshot.residentModels?.length, snapshot.residentModelsTotal]).toEqual([200, 100_008]);
      expect([snapshot.agents?.length, snapshot.summary.activeAgents]).toEqual([200, 300]);
      expect(snapshot.agents?.[0]?.host).toMatch(/… \(cut from 100,000 characters\)$/);

      // 50 announcements of a crash, each with a 1 MB error.
      const logged = new Promise<void>((resolve) => {
        let seen = 0;
        monitor.onEvent(() => {
          seen += 1;
          if (seen === 50) resolve();
        });
      });
      for (let index = 0; index < 50; index += 1) {
        await redis.redis.publish(
          `${redis.prefix}events`,
          JSON.stringify({
            type: 'agent_crashed',
            at: new Date().toISOString(),
            role: 'role_1',
            error: 'e'.repeat(MEGABYTE),
          }),
        );
      }
      await logged;
      expect(monitor.events().every((event) => event.message.length < 600)).toBe(true);
    } finally {
      await close();
    }
    const log = join(dataDir, 'event-log.jsonl');
    expect((await stat(log)).size).toBeLessThan(100_000);
    expect((await readFile(log, 'utf8')).trim().split('\n').length).toBeGreaterThanOrEqual(50);
  }, 60_000);
});
