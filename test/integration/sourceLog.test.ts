import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusingAddress } from '../support/deadServers';
import { startCliProcess } from '../support/runCliProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase({ migrated: true });
  dataDir = await mkdtemp(join(tmpdir(), 'source-log-'));
});
afterAll(async () => {
  await db.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("serve's log of its sources", () => {
  it('says once that a Redis nobody runs is down, not on every try, however many polls and retries pass', async () => {
    const redis = await refusingAddress();
    const serve = startCliProcess(['serve', '--port', '0'], {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://${redis.host}:${String(redis.port)}`,
      REGISTRY_MODE: 'redis',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_POLL_MS: '250',
      MONITOR_DATA_DIR: dataDir,
    });
    await serve.waitFor(/on http:\/\/127\.0\.0\.1:\d+\//, 60_000);
    // Sixteen polls, and ioredis's retries between them.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const { stderr } = await serve.stop('SIGTERM');
    const registryLines = stderr
      .split('\n')
      .filter((line) => line.includes('Registry') || line.includes('ECONNREFUSED'));
    const refused = `Redis: connect ECONNREFUSED ${redis.host}:${String(redis.port)}`;
    expect(registryLines).toEqual([`warn monitor: Registry down: ${refused}`]);
    // What it watched, and that it stopped: at info, the default level.
    expect(stderr).toMatch(/^info monitor: starting: PostgreSQL \S+, registry redis:\/\/\S+ \(redis\), Ollama off, /m);
    expect(stderr).toMatch(/^info monitor: starting: .*, a poll every 250 ms, history in \S+$/m);
    expect(stderr).toMatch(/\ninfo monitor: stopped\n$/);
  });
});
