import { describe, expect, it } from 'vitest';
import { ConfigError, describeDatabase, describeRedis, loadConfig } from '../../src/main/config';

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it("uses ECHO's defaults when nothing is set", () => {
    const config = loadConfig({});
    expect(config.database).toEqual({
      kind: 'fields',
      host: 'localhost',
      port: 5433,
      database: 'echo_org',
      user: 'echo_org',
      password: 'postgres',
    });
    expect(config.redisUrl).toBe('redis://localhost:6383');
    expect(config.redisPrefix).toBe('delegator:');
    expect(config.registryMode).toBe('auto');
    expect(config.ollamaEndpoint).toBe('http://127.0.0.1:11434');
    expect(config.timeoutMs).toBe(2000);
  });

  it("reads ECHO's separate fields", () => {
    const config = loadConfig({ DB_HOST: 'db.internal', DB_PORT: '6543', DB_NAME: 'org', DB_USER: 'me', DB_PASSWORD: '' });
    expect(config.database).toEqual({ kind: 'fields', host: 'db.internal', port: 6543, database: 'org', user: 'me', password: '' });
    expect(loadConfig({ REDIS_HOST: '::1', REDIS_PORT: '7000' }).redisUrl).toBe('redis://[::1]:7000');
  });

  it('lets DATABASE_URL and REDIS_URL win over the fields', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:secret@10.0.0.5:5432/echo',
      DB_HOST: 'ignored',
      REDIS_URL: 'redis://:pw@cache:6379/2',
      REDIS_PORT: '1',
    });
    expect(config.database).toEqual({ kind: 'url', connectionString: 'postgresql://u:secret@10.0.0.5:5432/echo' });
    expect(config.redisUrl).toBe('redis://:pw@cache:6379/2');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DB_PORT: '', REDIS_URL: '', REGISTRY_MODE: '' }).registryMode).toBe('auto');
  });

  it.each([
    [{ DB_PORT: 'abc' }, 'DB_PORT must be a port number (got "abc")'],
    [{ DB_PORT: '70000' }, 'DB_PORT must be a port number from 1 to 65535 (got "70000")'],
    [{ REDIS_PORT: '5.5' }, 'REDIS_PORT must be a whole port number (got "5.5")'],
    [{ REDIS_HOST: 'cache box' }, 'REDIS_HOST must be a host name or IP address (got "cache box")'],
    [{ REGISTRY_MODE: 'magic' }, 'REGISTRY_MODE must be one of auto, redis, sessions (got "magic")'],
    [{ OLLAMA_ENDPOINT: 'localhost:11434' }, 'OLLAMA_ENDPOINT must be a http:// or https:// URL'],
    [{ MONITOR_TIMEOUT_MS: '10' }, 'MONITOR_TIMEOUT_MS must be from 100 to 60000 milliseconds (got "10")'],
  ])('names the variable at fault: %o', (env, message) => {
    const text = errorOf(env);
    expect(text).toContain(message);
    expect(text.split('\n')).toHaveLength(1);
  });

  it('names every bad variable on one line', () => {
    const text = errorOf({ DB_PORT: 'x', REDIS_PORT: 'y' });
    expect(text).toMatch(/^Invalid configuration: DB_PORT .*; REDIS_PORT /);
    expect(text).not.toContain('\n');
  });

  it('never repeats a value that may hold a password', () => {
    const text = errorOf({ DATABASE_URL: 'mysql://root:hunter2@db/echo', REDIS_URL: 'http://:hunter3@x' });
    expect(text).toContain('DATABASE_URL must be a postgres:// or postgresql:// URL');
    expect(text).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    expect(text).not.toContain('hunter');
  });
});

describe('descriptions for people', () => {
  it('leave passwords out', () => {
    expect(describeDatabase({ kind: 'url', connectionString: 'postgres://u:secret@db:5432/echo' })).toBe('u@db:5432/echo');
    expect(describeDatabase(loadConfig({}).database)).toBe('echo_org@localhost:5433/echo_org');
    expect(describeRedis('redis://:pw@cache:6379/2')).toBe('redis://cache:6379/2');
  });
});

describe("Ollama's address", () => {
  it('follows OLLAMA_HOST by Ollama\'s rules when OLLAMA_ENDPOINT is unset, and OLLAMA_ENDPOINT when it is set', () => {
    expect(loadConfig({ OLLAMA_HOST: '0.0.0.0:11500' }).ollamaEndpoint).toBe('http://127.0.0.1:11500');
    expect(loadConfig({ OLLAMA_HOST: 'gpu-box', OLLAMA_ENDPOINT: 'http://other:1' }).ollamaEndpoint).toBe('http://other:1');
    expect(loadConfig({ OLLAMA_HOST: 'gpu-box', OLLAMA_ENDPOINT: 'off' }).ollamaEndpoint).toBeNull();
  });
});
