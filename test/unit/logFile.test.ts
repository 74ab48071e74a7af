import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOG_FILE, openLogFile, withoutSecrets } from '../../src/main/desktop/logFile';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withoutSecrets', () => {
  it('hides a password in a URL and the control key in an address, and nothing else', () => {
    expect(withoutSecrets('PostgreSQL down: postgres://echo_org:s3cr%40t@db.local:5433/echo_org refused')).toBe('PostgreSQL down: postgres://echo_org:***@db.local:5433/echo_org refused');
    expect(withoutSecrets('redis://:hunter2@127.0.0.1:6383 and rediss://u:p@h')).toBe('redis://:***@127.0.0.1:6383 and rediss://u:***@h');
    expect(withoutSecrets('controls at http://127.0.0.1:4000/#key=AbC123_-x')).toBe('controls at http://127.0.0.1:4000/#key=***');
    expect(withoutSecrets('Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383')).toBe('Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383');
  });
});

describe('the desktop log file', () => {
  it('writes each message on a line of its own with its time, control characters escaped, in a folder it makes, for this user only', async () => {
    const folder = join(dir, 'logs');
    const log = openLogFile(folder, () => new Date('2026-12-07T17:00:00.000Z'));
    log.write('monitor: Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383');
    log.write('a name with a newline\nand an escape \u001b[2J');
    await log.close();
    expect(log.path).toBe(join(folder, LOG_FILE));
    expect(await readFile(log.path, 'utf8')).toBe(
      '2026-12-07T17:00:00.000Z monitor: Registry down: Redis: connect ECONNREFUSED 127.0.0.1:6383\n2026-12-07T17:00:00.000Z a name with a newline\\nand an escape \\x1b[2J\n',
    );
    if (process.platform !== 'win32') expect((await stat(log.path)).mode & 0o777).toBe(0o600);
  });

  it('rotates at 1 MB and keeps three old files, however much is written', async () => {
    const log = openLogFile(dir);
    const line = 'x'.repeat(1000);
    for (let n = 0; n < 5200; n += 1) log.write(line);
    await log.close();
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([LOG_FILE, `${LOG_FILE}.1`, `${LOG_FILE}.2`, `${LOG_FILE}.3`]);
    for (const file of files) expect((await stat(join(dir, file))).size).toBeLessThanOrEqual(1024 * 1024 + 1100);
  });
});
