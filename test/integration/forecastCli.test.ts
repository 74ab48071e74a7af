import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { categoryForecastSchema } from '../../src/shared/forecast';
import { gib } from '../support/bytes';
import { refusingAddress } from '../support/deadServers';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { runCliProcess } from '../support/runCliProcess';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { redisMissing } from '../support/needs';

const ago = (minutes: number): string =>
  new Date(Math.floor((Date.now() - minutes * 60_000) / 1000) * 1000).toISOString();

/** Exactly what `--json` promises, and nothing more. */
const forecastOutput = z.strictObject({ categories: z.array(categoryForecastSchema.strict()) });

let db: TestDatabase;
let redis: TestRedis;
let ollama: FakeOllama;
let env: Record<string, string>;

beforeAll(async () => {
  [db, redis, ollama] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeOllama()]);
  await insertSessions(db.pool, [
    {
      sessionId: 'live-dev',
      category: 'development',
      description: 'Implement password reset feature',
      startedAt: ago(5),
    },
  ]);
  await redis.redis.hset(`${redis.prefix}agents`, {
    senior_developer: JSON.stringify({
      role: 'senior_developer',
      model: 'deepseek-coder:6.7b',
      spawned_at: ago(5),
      session_id: 'live-dev',
      status: 'running',
    }),
    test_lead: JSON.stringify({
      role: 'test_lead',
      model: 'codellama:13b',
      spawned_at: ago(4),
      session_id: 'live-dev',
      status: 'running',
    }),
  });
  // Ollama answers with its recorded /api/ps: deepseek-coder:6.7b and codellama:13b loaded.
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    OLLAMA_ENDPOINT: ollama.endpoint,
    TZ: 'UTC',
  };
});

afterAll(async () => {
  await Promise.all([db.drop(), redis.close(), ollama.close()]);
});

/** With the developer and the test lead running, what each category still needs, in exact bytes (the roles' GB). */
const NEEDS = {
  strategic: gib(55),
  technical: gib(33),
  development: 0,
  hr: gib(22),
  operations: gib(40),
  product: gib(33),
  quick_fix: 0,
};

// The running agents come from the registry, in Redis.
describe.skipIf(redisMissing() !== null)('npm run cli -- forecast', () => {
  it('prints {categories} as JSON, one entry per ECHO category, and exits 0', async () => {
    const run = await runCliProcess(['forecast', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { categories } = forecastOutput.parse(JSON.parse(run.stdout));
    expect(Object.fromEntries(categories.map((entry) => [entry.category, entry.needBytes]))).toEqual(NEEDS);
    expect(categories.find((entry) => entry.category === 'technical')?.agents).toEqual([
      'cto',
      'senior_architect',
      'senior_developer',
    ]);
    // Free memory is this machine's: known, and the verdict follows it and Ollama's scheduler.
    for (const entry of categories) {
      expect(entry.freeBytes).toBeGreaterThan(0);
      expect(entry.fits).toBe(entry.verdict === 'fits' || entry.verdict === 'fits-after-eviction');
      if (entry.verdict === 'fits') expect(entry.needBytes).toBeLessThanOrEqual(entry.freeBytes ?? -1);
      if (entry.verdict === 'will-not-fit') expect(entry.needBytes).toBeGreaterThan(entry.freeBytes ?? Infinity);
    }
    // Three models while the developer's and the test lead's are in use: more than the 3 Ollama keeps on the CPU alone.
    const strategic = categories.find((entry) => entry.category === 'strategic');
    if (strategic?.modelLimit === 3) expect(strategic.verdict).toBe('over-model-limit');
  });

  it('prints one line per category for a person', async () => {
    const run = await runCliProcess(['forecast'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[1]).toMatch(/^technical: \+33 GB, [\d.]+ GB free, (fits|will not fit \([\d.]+ [MG]B short\))$/);
    expect(lines[2]).toMatch(/^development: \+0 GB, [\d.]+ GB free, fits$/);
  });

  it('answers for one --category', async () => {
    const run = await runCliProcess(['forecast', '--category', 'hr', '--json'], env);
    expect(run.code).toBe(0);
    const categories = forecastOutput.parse(JSON.parse(run.stdout)).categories;
    expect(categories).toMatchObject([
      {
        category: 'hr',
        agents: ['ceo', 'chro'],
        needBytes: gib(22),
        needRamBytes: gib(22),
        needVramBytes: 0,
        freeBytes: expect.any(Number),
        freeVramBytes: null,
        fits: expect.any(Boolean),
      },
    ]);
    // Whether it would fit later depends on this machine's free memory, and on when the stand-in's models unload.
    const later = categories[0]?.fitsLater;
    expect(later === null || (later !== undefined && later.unloading.length > 0)).toBe(true);
  });

  it('exits 3 naming the known categories for an unknown one', async () => {
    const run = await runCliProcess(['forecast', '--category', 'marketing'], env);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      '--category "marketing": not one of ECHO\'s categories: strategic, technical, development, hr, operations, product, quick_fix',
    );
  });

  it('exits 2 with a clear message when a source is down, still printing what it could tell', async () => {
    const dead = await refusingAddress();
    const run = await runCliProcess(['forecast', '--json'], {
      ...env,
      OLLAMA_ENDPOINT: `http://${dead.host}:${dead.port}`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Ollama is down: connect ECONNREFUSED ${dead.host}:${dead.port}`);
    // The running agents still hold their models; only what Ollama alone would show is unknown.
    const { categories } = forecastOutput.parse(JSON.parse(run.stdout));
    expect(Object.fromEntries(categories.map((entry) => [entry.category, entry.needBytes]))).toEqual(NEEDS);
  });
});
