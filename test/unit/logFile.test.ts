import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/main/core/logger';
import { LOG_FILE, openLogFile } from '../../src/main/desktop/logFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the desktop log file', () => {
  it('writes each record on a line of its own, with its time, level and scope, for this user only', async () => {
    const folder = join(dir, 'logs');
    const file = openLogFile(folder);
    const log = createLogger([file.sink], () => new Date('2026-12-07T17:00:00.000Z'));
    log.child('monitor').warn('Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383');
    log.child('demo').error('a name with a newline\nand an escape \u001b[2J');
    log.info('settings: the stored password could not be decrypted here');
    log.child('monitor').debug('kept history read (samples: 3, events: 1)');
    await file.close();
    expect(file.path).toBe(join(folder, LOG_FILE));
    expect((await readFile(file.path, 'utf8')).split('\n')).toEqual([
      '2026-12-07T17:00:00.000Z warn  monitor: Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383',
      '2026-12-07T17:00:00.000Z error demo: a name with a newline\\nand an escape \\x1b[2J',
      '2026-12-07T17:00:00.000Z info  settings: the stored password could not be decrypted here',
      // Opened at info, the default: a debug line is not written.
      '',
    ]);
    if (process.platform !== 'win32') expect((await stat(file.path)).mode & 0o777).toBe(0o600);
  });

  it('takes debug lines when opened at debug, and no password', async () => {
    const file = openLogFile(dir, 'debug');
    const log = createLogger([file.sink], () => new Date('2026-12-07T17:00:00.000Z'));
    log.child('monitor').debug('starting: PostgreSQL postgres://echo:s3cret@db.local:5432/echo');
    await file.close();
    expect(await readFile(file.path, 'utf8')).toBe(
      '2026-12-07T17:00:00.000Z debug monitor: starting: PostgreSQL postgres://echo:***@db.local:5432/echo\n',
    );
  });

  it('rotates at 1 MB and keeps three old files, however much is written', async () => {
    const file = openLogFile(dir);
    const log = createLogger([file.sink]);
    const line = 'x'.repeat(1000);
    for (let n = 0; n < 5200; n += 1) log.info(line);
    await file.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`, `${LOG_FILE}.3`]);
    for (const name of files) expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1024 * 1024 + 1100);
  });
});
