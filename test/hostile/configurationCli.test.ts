import { describe, expect, it } from 'vitest';
import { expectUsageError, runCliInProcess, type CliRun } from '../support/cliInProcess';

const cli = (argv: string[], env: Record<string, string> = {}) => runCliInProcess(argv, { env });

/** Bad configuration: exit 3, one line naming what is wrong, nothing else. */
function expectConfigError(result: CliRun, pattern: RegExp): void {
  expect(result.code).toBe(3);
  expect(result.out).toBe('');
  expect(result.err).toMatch(pattern);
  expect(result.err.trimEnd().split('\n')).toHaveLength(1);
}

describe('bad configuration is one line and exit 3', () => {
  it.each([
    ['status'],
    ['forecast'],
    ['export', '--from', '2026-11-01', '--to', '2026-11-02'],
    ['stop-agent', 'cto'],
    ['simulate'],
  ])('%s refuses a time zone nobody knows', async (...argv) => {
    expectConfigError(
      await cli(argv, { TZ: 'Mars/Phobos' }),
      /^Invalid configuration: TZ must be .* \(got "Mars\/Phobos"\)\n$/,
    );
  });

  it.each([
    ['status', '--demo'],
    ['serve', '--demo', '--port', '0'],
    ['export', '--demo', '--from', '2026-11-01', '--to', '2026-11-02'],
  ])('%s refuses it too: the demo brings its connections, not its days', async (...argv) => {
    expectConfigError(await cli(argv, { TZ: 'Mars/Phobos' }), /^Invalid configuration: TZ must be /);
  });

  it.each([['status'], ['forecast'], ['stop-agent', 'cto'], ['serve', '--port', '0']])(
    '%s refuses a Redis database that is not a number, and keeps the password to itself',
    async (...argv) => {
      const result = await cli(argv, { REDIS_URL: 'redis://:hunter2@127.0.0.1:6379/abc' });
      expectConfigError(result, /^Invalid configuration: REDIS_URL must name its database/);
      expect(result.err).not.toContain('hunter2');
    },
  );

  it('serve refuses to listen beyond this machine without an access token, before it binds anything', async () => {
    expectConfigError(
      await cli(['serve', '--demo', '--host', '0.0.0.0', '--port', '0']),
      /^serve --host 0\.0\.0\.0 listens beyond this machine: set MONITOR_API_TOKEN_FILE \(or MONITOR_API_TOKEN\)/,
    );
    expectConfigError(
      await cli(['serve', '--demo', '--host', '0.0.0.0', '--port', '0'], { MONITOR_API_TOKEN: 'short' }),
      /^Invalid configuration: MONITOR_API_TOKEN must hold a token of 16 to 1024/,
    );
  });

  it('refuses a number written as Number() would read it', async () => {
    expectConfigError(
      await cli(['status'], { MONITOR_TIMEOUT_MS: '0x7d0' }),
      /^Invalid configuration: MONITOR_TIMEOUT_MS must be a whole number of milliseconds, in plain digits \(got "0x7d0"\)\n$/,
    );
  });

  it('refuses a warning past its critical, naming the rule', async () => {
    const result = await cli(['status'], { MONITOR_ALERTS: '{"memoryPctOfRam":{"warning":95,"critical":50}}' });
    expectConfigError(
      result,
      /^Invalid configuration: MONITOR_ALERTS must set each warning short of its critical \(memoryPctOfRam warning 95 is above its critical 50\)/,
    );
  });
});

describe('the time zone TZ names', () => {
  it.each([
    ['/usr/share/zoneinfo/Asia/Tokyo', 'Asia/Tokyo'],
    ['UTC0', 'UTC'],
    ['JST-9', 'Etc/GMT-9'],
  ])('TZ=%s shows and counts days in %s, which Intl alone cannot name', async (tz, zone) => {
    // Nothing to read: the header still names the zone the days are counted in.
    const result = await cli(['status'], {
      TZ: tz,
      DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
    });
    expect(result.code).toBe(2);
    expect(result.out).toContain(`(${zone})`);
    expect(result.out).not.toContain('undefined');
  });
});

describe('simulate --backfill', () => {
  it('says its bound in its help', async () => {
    expect((await cli(['simulate', '--help'])).out).toMatch(
      /^ {2}--backfill DAYS +With --sessions: first write past sessions, up to 3650 days of them$/m,
    );
  });

  it.each([
    [['--backfill', '3651'], '--backfill 3651: expected at most 3650 days'],
    [['--backfill', '1000000000'], '--backfill 1000000000: expected at most 3650 days'],
    [['--backfill', '1e9'], '--backfill "1e9": expected a whole number of at least 0, in plain digits'],
    [['--backfill', '0x10'], '--backfill "0x10": expected a whole number of at least 0, in plain digits'],
    [['--speed', '1e3'], '--speed "1e3": expected a number of at least 0, in plain digits'],
  ])('refuses %j before it writes anything', async (flags, message) => {
    expectUsageError(await cli(['simulate', ...flags]), message);
  });

  it('refuses a port written some other way', async () => {
    expectUsageError(
      await cli(['serve', '--port', ' 4000']),
      '--port " 4000": expected a whole number of at least 0, in plain digits',
    );
  });
});
