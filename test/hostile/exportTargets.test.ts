import { execFileSync } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationFailed } from '../../src/main/export/exportErrors';
import { exportToFile } from '../../src/main/export/exportToFile';
import type { EventEntry } from '../../src/main/export/eventEntries';
import { runCliInProcess, type CliRun } from '../support/cliInProcess';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const HEADER =
  'session_id,task_category,task_description,status,active_agents,total_agents_spawned,tasks_delegated,started_at,ended_at,duration_seconds\r\n';
const EARLIER = 'an earlier export\n';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  [db, dir] = await Promise.all([createTestDatabase(), mkdtemp(join(tmpdir(), 'export-targets-'))]);
  await insertSessions(db.pool, [
    { sessionId: 'only', startedAt: '2026-03-09T12:00:00Z', endedAt: '2026-03-09T12:10:00Z' },
  ]);
});

afterAll(async () => {
  await Promise.all([db.drop(), rm(dir, { recursive: true, force: true })]);
});

const exportTo = (out: string): Promise<CliRun> =>
  runCliInProcess(['export', '--from', '2026-03-09', '--to', '2026-03-09', '--out', out], {
    env: { DATABASE_URL: db.url, REGISTRY_MODE: 'sessions', OLLAMA_ENDPOINT: 'off' },
  });

/** A folder of its own per case, so what is left behind in it can be listed. */
async function folder(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path);
  return path;
}

/**
 * Refused as the documentation says: exit 3, one line naming the target and why, nothing on stdout, no partial file
 * left.
 */
async function expectRefused(
  run: CliRun,
  target: string,
  why: string,
  folderPath: string,
  left: string[],
): Promise<void> {
  expect(run.code).toBe(3);
  expect(run.out).toBe('');
  expect(run.err).toBe(`export: cannot write ${target}: ${why}\n`);
  expect((await readdir(folderPath)).sort()).toEqual(left.sort());
}

describe('export --out refuses what is not a regular file', () => {
  it('a FIFO, left as it is', async () => {
    const here = await folder('fifo');
    const target = join(here, 'pipe');
    execFileSync('mkfifo', [target]);
    await expectRefused(await exportTo(target), target, 'it is a FIFO, not a regular file', here, ['pipe']);
    expect((await lstat(target)).isFIFO()).toBe(true);
  });

  it('a symbolic link to a regular file: neither the link nor the file changes', async () => {
    const here = await folder('link-to-file');
    const real = join(here, 'real.csv');
    const target = join(here, 'link.csv');
    await writeFile(real, EARLIER);
    await symlink(real, target);
    await expectRefused(await exportTo(target), target, 'it is a symbolic link; name the file itself', here, [
      'link.csv',
      'real.csv',
    ]);
    expect(await readlink(target)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe(EARLIER);
  });

  it('a dangling symbolic link: nothing is created where it points', async () => {
    const here = await folder('dangling');
    const target = join(here, 'link.csv');
    await symlink(join(here, 'nowhere.csv'), target);
    await expectRefused(await exportTo(target), target, 'it is a symbolic link; name the file itself', here, [
      'link.csv',
    ]);
    expect(await readlink(target)).toBe(join(here, 'nowhere.csv'));
  });

  it('a symbolic link to a directory', async () => {
    const here = await folder('link-to-dir');
    await mkdir(join(here, 'sub'));
    const target = join(here, 'link');
    await symlink(join(here, 'sub'), target);
    await expectRefused(await exportTo(target), target, 'it is a symbolic link; name the file itself', here, [
      'link',
      'sub',
    ]);
    expect(await readdir(join(here, 'sub'))).toEqual([]);
  });

  it('a directory', async () => {
    const here = await folder('dir');
    const target = join(here, 'sub');
    await mkdir(target);
    await expectRefused(await exportTo(target), target, 'it is a directory', here, ['sub']);
  });

  it('/dev/null, a character device', async () => {
    const before = await stat('/dev/null');
    const run = await exportTo('/dev/null');
    expect(run.code).toBe(3);
    expect(run.err).toBe('export: cannot write /dev/null: it is a character device, not a regular file\n');
    const after = await lstat('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
  });

  const asRoot = process.getuid?.() === 0;
  if (asRoot)
    console.warn('Skipping the read-only export target: running as root, who may write any file, as in a shell');
  it.skipIf(asRoot)('a regular file it may not write (as for a shell, root may)', async () => {
    const here = await folder('read-only');
    const target = join(here, 'kept.csv');
    await writeFile(target, EARLIER);
    await chmod(target, 0o444);
    const run = await exportTo(target);
    expect(run.code).toBe(3);
    expect(run.err).toMatch(/^export: cannot write .*kept\.csv: EACCES/);
    expect(await readFile(target, 'utf8')).toBe(EARLIER);
  });
});

describe('export --out writes', () => {
  it('a new file, and replaces a regular file', async () => {
    const here = await folder('regular');
    const target = join(here, 'sessions.csv');
    expect((await exportTo(target)).code).toBe(0);
    await writeFile(target, EARLIER);
    const run = await exportTo(target);
    expect(run.code).toBe(0);
    expect(run.err).toBe(`Wrote 1 session to ${target}.\n`);
    expect(await readFile(target, 'utf8')).toMatch(new RegExp(`^${HEADER}only,`));
    expect(await readdir(here)).toEqual(['sessions.csv']);
  });

  it('to standard output for --out -', async () => {
    const run = await exportTo('-');
    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toMatch(new RegExp(`^${HEADER}only,`));
  });

  it('refuses a symbolic link put in its place while it ran, and leaves no partial file', async () => {
    const here = await folder('swapped');
    const target = join(here, 'events.csv');
    const elsewhere = join(here, 'elsewhere.csv');
    await writeFile(elsewhere, EARLIER);
    // The event log is read once the file beside the target is open: the moment someone swaps the target.
    async function* swapWhileReading(): AsyncGenerator<EventEntry> {
      await symlink(elsewhere, target);
      yield* [];
    }
    const query = { from: '2026-03-09', to: '2026-03-09', format: 'csv', what: 'events' } as const;
    const written = exportToFile(target, query, { sql: db.pool, events: swapWhileReading, timeZone: 'UTC' });
    await expect(written).rejects.toThrow(DestinationFailed);
    await expect(written).rejects.toThrow('it is a symbolic link; name the file itself');
    expect(await readlink(target)).toBe(elsewhere);
    expect(await readFile(elsewhere, 'utf8')).toBe(EARLIER);
    expect((await readdir(here)).sort()).toEqual(['elsewhere.csv', 'events.csv']);
  });
});
