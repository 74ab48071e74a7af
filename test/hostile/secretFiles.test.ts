import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTokenFrom } from '../../src/main/cli/accessTokenSetting';
import { ConfigError } from '../../src/main/config';

const TOKEN = 'f3a9c1d27b4e8a6051c2d9e7f4b3a8c6';
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('Skipping the other-owner secret file case: only root can give a file to another user.');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'secret-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A token file as the user writes one, then as each case leaves it. */
async function tokenFile(name: string, mode = 0o600, text = `${TOKEN}\n`): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, text, { mode });
  await chmod(file, mode);
  return file;
}

const fromFile = (file: string): string | null => accessTokenFrom({ MONITOR_API_TOKEN_FILE: file });

describe('MONITOR_API_TOKEN_FILE is checked as ssh checks a key', () => {
  it('reads a file only its owner can read, and one reached through a link (a mounted secret)', async () => {
    const file = await tokenFile('good');
    expect(fromFile(file)).toBe(TOKEN);
    const link = join(dir, 'good-link');
    await symlink(file, link);
    expect(fromFile(link)).toBe(TOKEN);
  });

  it.each([
    ['readable by its group', 0o640, /can be read or written by others \(mode 0640\): chmod 600 it/],
    ['readable by everyone', 0o644, /mode 0644/],
    ['writable by its group', 0o620, /mode 0620/],
  ])('refuses a file %s', async (name, mode, reason) => {
    const file = await tokenFile(name.replaceAll(' ', '-'), mode);
    expect(() => fromFile(file)).toThrow(ConfigError);
    expect(() => fromFile(file)).toThrow(reason);
    expect(() => fromFile(file)).not.toThrow(TOKEN);
  });

  it.skipIf(!isRoot)('refuses a file of another user', async () => {
    const file = await tokenFile('theirs');
    await chown(file, 65534, 65534);
    expect(() => fromFile(file)).toThrow(/MONITOR_API_TOKEN_FILE belongs to another user \(uid 65534\)/);
  });

  it('refuses a file far longer than a token without reading it, a sparse one included', async () => {
    const file = await tokenFile('sparse');
    await truncate(file, 1.5 * 1024 ** 3);
    expect(() => fromFile(file)).toThrow(/holds 1,610,612,736 bytes, more than a token \(4,096 at most\)/);
  });

  it('refuses a device that never ends, and a FIFO that would never answer, at once', async () => {
    const zero = join(dir, 'zero');
    await symlink('/dev/zero', zero);
    expect(() => fromFile(zero)).toThrow(/MONITOR_API_TOKEN_FILE is not a regular file/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', ['-m', '600', fifo]);
    // Nothing writes to it: a blocking open or read would hang this test until its timeout.
    expect(() => fromFile(fifo)).toThrow(/MONITOR_API_TOKEN_FILE is not a regular file/);
  });

  it('refuses a token longer than a header has room for', async () => {
    const file = await tokenFile('long', 0o600, `${'a'.repeat(2000)}\n`);
    expect(() => fromFile(file)).toThrow(/16 to 1024 printable characters/);
    expect(() => accessTokenFrom({ MONITOR_API_TOKEN: 'b'.repeat(1025) })).toThrow(/16 to 1024 printable characters/);
  });
});
