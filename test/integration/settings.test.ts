import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { testConnection } from '../../src/main/desktop/settings/connectionTest';
import { effectiveEnv, settingsAsEnv } from '../../src/main/desktop/settings/effectiveEnv';
import {
  DEFAULT_SETTINGS,
  PasswordNotStorable,
  SettingsStore,
  type Cipher,
} from '../../src/main/desktop/settings/settingsStore';
import { settingsSchema, type Settings } from '../../src/shared/settings';
import { refusingAddress } from '../support/deadServers';
import { redisMissing } from '../support/needs';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

/** A reversible stand-in for the keychain, so the test can see the file never holds the password in clear. */
const flip = (bytes: Buffer): Buffer => Buffer.from([...bytes].map((byte) => byte ^ 0x5a));
const cipher: Cipher = {
  available: () => Promise.resolve(true),
  encrypt: (text) => Promise.resolve(flip(Buffer.from(text)).toString('base64')),
  decrypt: (encoded) => Promise.resolve({ text: flip(Buffer.from(encoded, 'base64')).toString(), reEncrypt: false }),
};

const settings = (change: (value: Settings) => Settings = (value) => value): Settings =>
  change(structuredClone(DEFAULT_SETTINGS));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'settings-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the settings file', () => {
  it('keeps the settings, and the password only encrypted', async () => {
    const store = new SettingsStore(join(dir, 'a.json'), cipher);
    expect(await store.load()).toEqual({ settings: DEFAULT_SETTINGS, password: null, problem: null });
    const chosen = settings((value) => ({
      ...value,
      pollMs: 2000,
      connection: { ...value.connection, host: 'db.internal' },
    }));
    await store.save({ settings: chosen, password: 'hunter2' });
    expect(await readFile(join(dir, 'a.json'), 'utf8')).not.toContain('hunter2');
    expect(await store.load()).toEqual({ settings: chosen, password: 'hunter2', problem: null });
    await store.save({ settings: chosen });
    expect((await store.load()).password).toBe('hunter2');
    await store.save({ settings: chosen, password: '' });
    expect((await store.load()).password).toBeNull();
  });

  it('falls back to the defaults, saying why, when the file is damaged', async () => {
    await writeFile(join(dir, 'b.json'), '{"version":1,"settings":{"pollMs":"often"}}');
    const loaded = await new SettingsStore(join(dir, 'b.json'), cipher).load();
    expect(loaded.settings).toEqual(DEFAULT_SETTINGS);
    expect(loaded.problem).toMatch(/is damaged; using the defaults$/);
  });

  it('refuses to store a password where nothing can encrypt it', async () => {
    const plain = new SettingsStore(join(dir, 'c.json'), { ...cipher, available: () => Promise.resolve(false) });
    await expect(plain.save({ settings: settings(), password: 'hunter2' })).rejects.toThrow(PasswordNotStorable);
  });
});

describe('settings and the environment', () => {
  it('turn into the configuration, the environment winning and saying which field it decides', () => {
    const chosen = settings((value) => ({
      ...value,
      connection: { ...value.connection, host: 'db.internal', ollamaEndpoint: '' },
    }));
    const { env, overriddenBy } = effectiveEnv(chosen, 'secret', { DB_PORT: '6000', REDIS_URL: 'redis://cache:1' });
    const config = loadConfig(env);
    expect(config.database).toEqual({
      kind: 'fields',
      host: 'db.internal',
      port: 6000,
      database: 'echo_org',
      user: 'echo_org',
      password: 'secret',
    });
    expect(config.redisUrl).toBe('redis://cache:1');
    expect(config.ollamaEndpoint).toBeNull();
    expect(overriddenBy).toEqual({ 'connection.port': 'DB_PORT', 'connection.redisUrl': 'REDIS_URL' });
  });

  it('let a DATABASE_URL in the environment replace the file’s database whole', () => {
    const { env } = effectiveEnv(settings(), 'secret', { DATABASE_URL: 'postgres://u@elsewhere/db' });
    expect(loadConfig(env).database).toEqual({ kind: 'url', connectionString: 'postgres://u@elsewhere/db' });
  });

  it("let OLLAMA_HOST, which people set for Ollama, beat the file's endpoint", () => {
    const { env, overriddenBy } = effectiveEnv(settings(), 'secret', { OLLAMA_HOST: '0.0.0.0:11500' });
    expect(loadConfig(env).ollamaEndpoint).toBe('http://127.0.0.1:11500');
    expect(overriddenBy['connection.ollamaEndpoint']).toBe('OLLAMA_HOST');
  });

  it('write alert changes and the poll interval through', () => {
    const chosen = settings((value) => ({ ...value, pollMs: 1000, alerts: { agentCount: { warning: 3 } } }));
    const config = loadConfig(settingsAsEnv(chosen, null));
    expect(config.pollMs).toBe(1000);
    expect(config.alerts.agentCount).toMatchObject({ warning: 3, critical: 9 });
    expect(settingsSchema.safeParse({ ...chosen, pollMs: 10 }).success).toBe(false);
  });
});

describe.skipIf(redisMissing() !== null)('Test connection', () => {
  let db: TestDatabase;
  let redis: TestRedis;
  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  });
  afterAll(async () => {
    await Promise.all([db.drop(), redis.close()]);
  });

  it('says how each source answered', async () => {
    const dead = await refusingAddress();
    const report = await testConnection(
      loadConfig({
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        OLLAMA_ENDPOINT: `http://${dead.host}:${String(dead.port)}`,
      }),
      'UTC',
    );
    expect(report).toEqual({
      postgres: 'ok',
      registry: 'ok',
      ollama: `Ollama: connect ECONNREFUSED ${dead.host}:${String(dead.port)}`,
    });
    const off = await testConnection(
      loadConfig({ DATABASE_URL: db.url, REGISTRY_MODE: 'sessions', OLLAMA_ENDPOINT: 'off' }),
      'UTC',
    );
    expect(off).toEqual({ postgres: 'ok', registry: 'not used', ollama: 'not used' });
  });
});
