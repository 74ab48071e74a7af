import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/main/config';
import { resolveReceivers } from '../../src/main/sources/receivers/receiverTargets';

const dir = mkdtempSync(join(tmpdir(), 'receiver-secrets-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function secretFile(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

const receiversOf = (value: unknown) => loadConfig({ MONITOR_ALERT_RECEIVERS: JSON.stringify(value) }).receivers;

function refusal(value: string): string {
  try {
    loadConfig({ MONITOR_ALERT_RECEIVERS: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('MONITOR_ALERT_RECEIVERS', () => {
  it('is none when unset', () => {
    expect(loadConfig({}).receivers).toEqual([]);
  });

  it('reads each kind, named by its kind where it is the only one, warning and 5 s by default', () => {
    expect(
      receiversOf([
        { kind: 'ntfy', url: 'https://ntfy.sh/topic', minLevel: 'critical', tokenFile: '/run/secrets/ntfy' },
        { kind: 'slack', urlFile: '/run/secrets/slack' },
        { kind: 'webhook', name: 'ops', url: 'http://127.0.0.1:9000/hook', token: 'abc', timeoutMs: 800 },
      ]),
    ).toEqual([
      {
        name: 'ntfy',
        kind: 'ntfy',
        minLevel: 'critical',
        url: { from: 'value', value: 'https://ntfy.sh/topic' },
        token: { from: 'file', path: '/run/secrets/ntfy' },
        timeoutMs: 5000,
      },
      {
        name: 'slack',
        kind: 'slack',
        minLevel: 'warning',
        url: { from: 'file', path: '/run/secrets/slack' },
        token: null,
        timeoutMs: 5000,
      },
      {
        name: 'ops',
        kind: 'webhook',
        minLevel: 'warning',
        url: { from: 'value', value: 'http://127.0.0.1:9000/hook' },
        token: { from: 'value', value: 'abc' },
        timeoutMs: 800,
      },
    ]);
  });

  it.each([
    ['not JSON', '[{', 'not JSON'],
    ['an unknown kind', '[{"kind":"email","url":"https://x"}]', '0.kind'],
    ['no URL', '[{"kind":"ntfy"}]', 'needs url or urlFile'],
    ['both URLs', '[{"kind":"ntfy","url":"https://x","urlFile":"/f"}]', 'needs url or urlFile'],
    ['a relative file', '[{"kind":"slack","urlFile":"slack-url"}]', 'must be an absolute path'],
    ['a token for Slack', '[{"kind":"slack","urlFile":"/f","token":"abc"}]', 'slack takes no token'],
    ['an unknown field', '[{"kind":"ntfy","url":"https://x","topic":"t"}]', 'topic'],
    ['a level of its own', '[{"kind":"ntfy","url":"https://x","minLevel":"info"}]', '0.minLevel'],
    ['a URL of another scheme', '[{"kind":"webhook","url":"ftp://x/hook"}]', 'http:// or https://'],
    ['two of a kind unnamed', '[{"kind":"ntfy","url":"https://x"},{"kind":"ntfy","url":"https://y"}]', '0, 1: no name'],
    [
      'one name twice',
      '[{"kind":"ntfy","name":"a","url":"https://x"},{"kind":"webhook","name":"a","url":"https://y"}]',
      'a twice',
    ],
  ])('refuses %s, naming the variable', (_case, value, says) => {
    const message = refusal(value);
    expect(message).toMatch(/^Invalid configuration: MONITOR_ALERT_RECEIVERS must /);
    expect(message).toContain(says);
  });

  it('never echoes the value, which may hold a secret', () => {
    const message = refusal('[{"kind":"slack","url":"https://hooks.slack.com/services/T0/B0/SECRETPART","x":1}]');
    expect(message).not.toContain('SECRETPART');
  });
});

describe('resolveReceivers', () => {
  const settings = (url: unknown, token?: unknown) =>
    receiversOf([{ kind: 'webhook', name: 'ops', ...(url as object), ...(token as object | undefined) }]) ?? [];

  it('reads a URL and a token from files fit to hold them, without their final newline', () => {
    const urlFile = secretFile('url', 'https://hooks.example.com/services/SECRET\n');
    const tokenFile = secretFile('token', 'tk_12345\n');
    const [target] = resolveReceivers(settings({ urlFile }, { tokenFile }));
    expect(target?.url.href).toBe('https://hooks.example.com/services/SECRET');
    expect(target?.token).toBe('tk_12345');
  });

  it('refuses a file others may read, as the access token file is, naming the receiver and never the secret', () => {
    const tokenFile = secretFile('open-token', 'tk_SECRET\n', 0o644);
    expect(() => resolveReceivers(settings({ url: 'https://x.example/hook' }, { tokenFile }))).toThrow(
      new ConfigError(
        'Invalid configuration: MONITOR_ALERT_RECEIVERS receiver ops: tokenFile can be read or written by others (mode 0644): chmod 600 it',
      ),
    );
  });

  it('refuses a URL file that holds no URL, without quoting it', () => {
    const urlFile = secretFile('not-url', 'SECRET words\n');
    let message = '';
    try {
      resolveReceivers(settings({ urlFile }));
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toBe(
      'Invalid configuration: MONITOR_ALERT_RECEIVERS receiver ops: urlFile must hold a http:// or https:// URL',
    );
  });

  it('refuses a missing file', () => {
    expect(() => resolveReceivers(settings({ urlFile: join(dir, 'absent') }))).toThrow(
      /receiver ops: urlFile cannot be read/,
    );
  });
});
