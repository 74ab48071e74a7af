import { describe, expect, it } from 'vitest';
import { checkTimeZoneVariable, ConfigError, describeDatabase, describeRedis, loadConfig } from '../../src/main/config';

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
    const config = loadConfig({
      DB_HOST: 'db.internal',
      DB_PORT: '6543',
      DB_NAME: 'org',
      DB_USER: 'me',
      DB_PASSWORD: '',
    });
    expect(config.database).toEqual({
      kind: 'fields',
      host: 'db.internal',
      port: 6543,
      database: 'org',
      user: 'me',
      password: '',
    });
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
    [{ REDIS_PORT: '5.5' }, 'REDIS_PORT must be a port number (got "5.5")'],
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

describe('numbers', () => {
  const NUMERIC = ['DB_PORT', 'REDIS_PORT', 'MONITOR_TIMEOUT_MS', 'MONITOR_POLL_MS', 'MONITOR_HEARTBEAT_TIMEOUT_S'];

  // Number() reads every one of these as a number; none is how a person writes one.
  it.each(
    NUMERIC.flatMap((name) =>
      ['0x7d0', '1e3', ' 2000 ', '2000.0', '+2000', '-30', '2_000', '٢٠٠٠'].map((value) => [name, value]),
    ),
  )('refuses %s=%j, naming it, on one line', (name, value) => {
    const text = errorOf({ [name]: value });
    expect(text).toMatch(new RegExp(`^Invalid configuration: ${name} must be `));
    expect(text).toContain(`(got ${JSON.stringify(value)})`);
    expect(text).not.toContain('\n');
  });

  it('takes plain digits, leading zeros included', () => {
    const config = loadConfig({
      DB_PORT: '05432',
      REDIS_PORT: '6379',
      MONITOR_TIMEOUT_MS: '1500',
      MONITOR_POLL_MS: '250',
      MONITOR_HEARTBEAT_TIMEOUT_S: '3600',
    });
    expect(config.database).toMatchObject({ port: 5432 });
    expect(config.redisUrl).toBe('redis://localhost:6379');
    expect([config.timeoutMs, config.pollMs, config.heartbeatTimeoutSeconds]).toEqual([1500, 250, 3600]);
  });

  it('says what a number written some other way should be', () => {
    expect(errorOf({ MONITOR_TIMEOUT_MS: '1e3' })).toBe(
      'Invalid configuration: MONITOR_TIMEOUT_MS must be a whole number of milliseconds, in plain digits (got "1e3")',
    );
    expect(errorOf({ MONITOR_HEARTBEAT_TIMEOUT_S: '60s' })).toBe(
      'Invalid configuration: MONITOR_HEARTBEAT_TIMEOUT_S must be a whole number of seconds, in plain digits (got "60s")',
    );
  });
});

describe("REDIS_URL's database", () => {
  it.each([
    'redis://:pw@cache:6379',
    'redis://:pw@cache:6379/',
    'redis://:pw@cache:6379/0',
    'redis://:pw@cache:6379/15',
    'redis://:pw@cache:6379/65535',
    'redis://:pw@cache:6379?db=3',
  ])('takes %s', (url) => {
    expect(loadConfig({ REDIS_URL: url }).redisUrl).toBe(url);
  });

  // ioredis would read each as NaN or as something else than written, and select NaN fails outside any handler.
  it.each(['/abc', '/1/2', '/-1', '/1.5', '/1e3', '/65536', '/%31', '?db=abc', '?db=1&db=2'])(
    'refuses %s without repeating the URL',
    (tail) => {
      const text = errorOf({ REDIS_URL: `redis://:hunter2@cache:6379${tail}` });
      expect(text).toBe(
        'Invalid configuration: REDIS_URL must name its database, if any, as a whole number from 0 to 65535 (redis://host:port/2)',
      );
    },
  );
});

describe('TZ', () => {
  it.each([
    'Europe/Paris',
    'utc',
    'UTC0',
    'JST-9',
    'EST5EDT',
    'CET-1CEST,M3.5.0,M10.5.0/3',
    '<+0530>-5:30',
    ':Europe/Paris',
    ':/etc/localtime',
    '/usr/share/zoneinfo/Asia/Tokyo',
  ])('takes %s, as the C library would', (tz) => {
    expect(() => loadConfig({ TZ: tz })).not.toThrow();
  });

  it.each(['Mars/Phobos', 'Europe/Pariss', 'Foo', 'Etc/GMT+13', ':Mars/Phobos'])('refuses %s, naming TZ', (tz) => {
    expect(errorOf({ TZ: tz })).toBe(
      `Invalid configuration: TZ must be a time zone such as Europe/Paris, a POSIX rule such as UTC0, or a zoneinfo file (got ${JSON.stringify(tz)})`,
    );
  });

  it('is checked alone for the commands that read nothing else', () => {
    expect(() => {
      checkTimeZoneVariable({ TZ: 'Mars/Phobos', DB_PORT: 'not read here' });
    }).toThrow(/^Invalid configuration: TZ must be /);
    expect(() => {
      checkTimeZoneVariable({ TZ: '', DB_PORT: 'not read here' });
    }).not.toThrow();
  });
});

describe('MONITOR_ALERTS', () => {
  const alerts = (value: unknown): Record<string, string> => ({ MONITOR_ALERTS: JSON.stringify(value) });

  it.each([
    [{ memoryPctOfRam: { warning: 95, critical: 50 } }, 'memoryPctOfRam warning 95 is above its critical 50'],
    // One side alone meets the other side's default: 90 for memory, 5 for free memory.
    [{ memoryPctOfRam: { warning: 95 } }, 'memoryPctOfRam warning 95 is above its critical 90'],
    [{ gpuMemoryPct: { critical: 50 } }, 'gpuMemoryPct warning 90 is above its critical 50'],
    // Free memory gets worse as it falls: its warning is the higher number.
    [{ freeRamPct: { warning: 3 } }, 'freeRamPct warning 3 is below its critical 5'],
    [{ freeRamPct: { critical: 15 } }, 'freeRamPct warning 10 is below its critical 15'],
    [{ agentCount: { warning: 10, critical: 4 } }, 'agentCount warning 10 is above its critical 4'],
    [{ sessionHours: { enabled: false, warning: 9 } }, 'sessionHours warning 9 is above its critical 8'],
  ])('refuses a warning past its critical: %j', (value, rule) => {
    const text = errorOf(alerts(value));
    expect(text).toMatch(/^Invalid configuration: MONITOR_ALERTS must set each warning short of its critical \(/);
    expect(text).toContain(rule);
    expect(text).not.toContain('\n');
  });

  it('names every rule at fault', () => {
    const text = errorOf(alerts({ memoryPctOfRam: { warning: 95 }, freeRamPct: { warning: 1 } }));
    expect(text).toContain(
      '(memoryPctOfRam warning 95 is above its critical 90; freeRamPct warning 1 is below its critical 5)',
    );
  });

  it('takes thresholds in order, or equal, on each side of the defaults', () => {
    const config = loadConfig(
      alerts({
        memoryPctOfRam: { warning: 90 },
        freeRamPct: { warning: 20, critical: 15 },
        agentCount: { critical: 20 },
      }),
    );
    expect(config.alerts.memoryPctOfRam).toMatchObject({ warning: 90, critical: 90 });
    expect(config.alerts.freeRamPct).toMatchObject({ warning: 20, critical: 15 });
    expect(config.alerts.agentCount).toMatchObject({ warning: 6, critical: 20 });
  });
});

describe('descriptions for people', () => {
  it('leave passwords out', () => {
    expect(describeDatabase({ kind: 'url', connectionString: 'postgres://u:secret@db:5432/echo' })).toBe(
      'u@db:5432/echo',
    );
    expect(describeDatabase(loadConfig({}).database)).toBe('echo_org@localhost:5433/echo_org');
    expect(describeRedis('redis://:pw@cache:6379/2')).toBe('redis://cache:6379/2');
  });
});

describe("Ollama's address", () => {
  it("follows OLLAMA_HOST by Ollama's rules when OLLAMA_ENDPOINT is unset, and OLLAMA_ENDPOINT when it is set", () => {
    expect(loadConfig({ OLLAMA_HOST: '0.0.0.0:11500' }).ollamaEndpoint).toBe('http://127.0.0.1:11500');
    expect(loadConfig({ OLLAMA_HOST: 'gpu-box', OLLAMA_ENDPOINT: 'http://other:1' }).ollamaEndpoint).toBe(
      'http://other:1',
    );
    expect(loadConfig({ OLLAMA_HOST: 'gpu-box', OLLAMA_ENDPOINT: 'off' }).ollamaEndpoint).toBeNull();
  });
});
