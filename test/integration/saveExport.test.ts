import { mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { openExportSources, type OpenedExportSources } from '../../src/main/export/openExportSources';
import { saveExport } from '../../src/main/export/saveExport';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

const QUERY = { from: '2026-11-23', to: '2026-11-24', format: 'csv', what: 'sessions' } as const;

describe("the desktop app's export", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertSessions(db.pool, [
      { sessionId: 'first', startedAt: '2026-11-23T10:00:00Z', endedAt: '2026-11-23T10:30:00Z' },
      { sessionId: 'second', startedAt: '2026-11-24T09:00:00Z' },
    ]);
    dir = await mkdtemp(join(os.tmpdir(), 'save-export-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const pools: OpenedExportSources[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });
  const sourcesFor = (url: string) => () => {
    const opened = openExportSources(loadConfig({ DATABASE_URL: url }), { timeZone: 'UTC', events: () => [] });
    pools.push(opened);
    return opened.sources;
  };

  it('writes where the user chose, offering a name that says what and which days, and says how much it wrote', async () => {
    const offered: string[] = [];
    const path = join(dir, 'chosen.csv');
    const save = saveExport({
      choosePath: (name) => {
        offered.push(name);
        return Promise.resolve(path);
      },
      sources: sourcesFor(db.url),
    });
    expect(await save(QUERY)).toEqual({ status: 'saved', message: `Wrote 2 sessions to ${path}` });
    expect(offered).toEqual(['delegator-sessions-2026-11-23-to-2026-11-24.csv']);
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\r\n');
    expect(lines.map((line) => line.split(',')[0])).toEqual(['session_id', 'first', 'second']);
  });

  it('does nothing when the user cancels', async () => {
    let opened = false;
    const save = saveExport({
      choosePath: () => Promise.resolve(null),
      sources: () => {
        opened = true;
        return null;
      },
    });
    expect(await save(QUERY)).toEqual({ status: 'cancelled', message: 'Export cancelled' });
    expect(opened).toBe(false);
  });

  it('refuses a symbolic link chosen in the dialog, leaving the link and its file as they were', async () => {
    const real = join(dir, 'real.csv');
    const link = join(dir, 'link.csv');
    await writeFile(real, 'earlier\n');
    await symlink(real, link);
    const save = saveExport({ choosePath: () => Promise.resolve(link), sources: sourcesFor(db.url) });
    await expect(save(QUERY)).rejects.toThrow('it is a symbolic link; name the file itself');
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('earlier\n');
    expect((await readdir(dir)).filter((name) => name.includes('link'))).toEqual(['link.csv']);
  });

  it('fails with the reason and leaves no file when PostgreSQL is down', async () => {
    const path = join(dir, 'never.csv');
    const save = saveExport({
      choosePath: () => Promise.resolve(path),
      sources: sourcesFor('postgres://nobody@127.0.0.1:1/none'),
    });
    await expect(save(QUERY)).rejects.toThrow(/PostgreSQL|ECONNREFUSED|connect/i);
    expect((await readdir(dir)).filter((name) => name.includes('never'))).toEqual([]);
  });
});
