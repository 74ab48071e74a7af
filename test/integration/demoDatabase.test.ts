import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { openDemoDatabase } from '../../src/main/demo/demoDatabase';
import { createStandaloneTables } from '../../src/main/sources/postgres/migrate';
import { recordingLog } from '../support/recordingLog';

let cache: string;
let before: string | undefined;

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn(
    'demoDatabase.test.ts: not run as root, so the database folder owned by another user (chown to uid 65534) is skipped',
  );

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'demo-cache-'));
  before = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
});
afterAll(async () => {
  if (before === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = before;
  await rm(cache, { recursive: true, force: true });
});

/** ECHO's tables in the demo's database: the two the sessions views read, and the work tables. */
const ECHO_TABLES = [
  'agent_status',
  'decision_votes',
  'decisions',
  'delegator_sessions',
  'flow_executions',
  'llm_sessions',
  'messages',
  'workflow_executions',
];

const tables = async (db: Awaited<ReturnType<typeof openDemoDatabase>>): Promise<string[]> =>
  (
    await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).rows.map((row) => row.name);

describe("the demo's database", () => {
  it('is kept in this user’s cache after the first run, and the next run starts from it with ECHO’s tables', async () => {
    // A copy of another PGlite version, or of the layout before template databases were left out, is replaced.
    const folder = join(cache, 'delegator-monitor');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'demo-database-pglite-0.0.1.tar'), 'an older copy');
    // A copy of the layout before ECHO's work tables is replaced too.
    await writeFile(join(folder, 'demo-database-2-pglite-0.5.14.tar'), 'a copy without the work tables');
    await writeFile(join(folder, 'notes.txt'), 'not ours');
    const first = await openDemoDatabase();
    expect(await tables(first)).toEqual(ECHO_TABLES);
    await first.query("INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('ceo', 'running', now())");
    await first.close();
    const kept = (await readdir(folder)).sort();
    expect(kept).toEqual([expect.stringMatching(/^demo-database-3-pglite-[\w.+-]+\.tar$/), 'notes.txt']);
    // Without the template databases and with 1 MB WAL segments: a new PostgreSQL's data folder is about 40 MB.
    expect((await stat(join(folder, kept[0] ?? ''))).size).toBeLessThan(20_000_000);
    const second = await openDemoDatabase();
    // Made from the copy taken before anything was written: each demo starts empty.
    expect(await tables(second)).toEqual(ECHO_TABLES);
    expect((await second.query<{ name: string }>('SELECT datname AS name FROM pg_database')).rows).toEqual([
      { name: 'postgres' },
    ]);
    expect((await second.query<{ size: string }>("SELECT current_setting('shared_buffers') AS size")).rows).toEqual([
      { size: '16MB' },
    ]);
    expect((await second.query('SELECT count(*)::int AS n FROM agent_status')).rows).toEqual([{ n: 0 }]);
    await second.close();
  }, 60_000);

  it('is made afresh, and kept again, when the copy is damaged', async () => {
    const [name] = (await readdir(join(cache, 'delegator-monitor'))).filter((file) => file.endsWith('.tar'));
    const path = join(cache, 'delegator-monitor', name ?? '');
    await writeFile(path, 'not a database');
    const db = await openDemoDatabase();
    expect(await tables(db)).toEqual(ECHO_TABLES);
    await db.close();
    expect((await stat(path)).size).toBeGreaterThan(1_000_000);
  }, 60_000);

  it('starts a new folder from the kept copy, and opens that folder as it is the next time', async () => {
    const [name] = (await readdir(join(cache, 'delegator-monitor'))).filter((file) => file.endsWith('.tar'));
    const path = join(cache, 'delegator-monitor', name ?? '');
    // A copy with a table of its own shows that the folder was made from it, not by initdb.
    const marked = await PGlite.create();
    await createStandaloneTables(marked);
    await marked.query('CREATE TABLE made_from_the_copy (id int)');
    await writeFile(path, Buffer.from(await (await marked.dumpDataDir('none')).arrayBuffer()));
    await marked.close();

    const dataDir = join(cache, 'user-data', 'demo-pgdata');
    const first = await openDemoDatabase(dataDir);
    expect(await tables(first)).toEqual([...ECHO_TABLES, 'made_from_the_copy'].sort());
    await first.query("INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('ceo', 'running', now())");
    await first.close();
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    // Made by the demo rather than by PGlite, whose folder every user of the machine could enter, and whose files
    // anyone could write.
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
    // The desktop app's demo keeps its history between launches.
    const again = await openDemoDatabase(dataDir);
    expect((await again.query('SELECT count(*)::int AS n FROM agent_status')).rows).toEqual([{ n: 1 }]);
    await again.close();
  }, 60_000);

  it('makes a new folder afresh where the copy is damaged, and keeps a good copy again', async () => {
    const [name] = (await readdir(join(cache, 'delegator-monitor'))).filter((file) => file.endsWith('.tar'));
    const path = join(cache, 'delegator-monitor', name ?? '');
    await writeFile(path, 'not a database');
    const dataDir = join(cache, 'user-data-2', 'demo-pgdata');
    const db = await openDemoDatabase(dataDir);
    expect(await tables(db)).toEqual(ECHO_TABLES);
    await db.close();
    expect((await stat(path)).size).toBeGreaterThan(1_000_000);
  }, 60_000);

  it('makes afresh a folder other users could enter, as older versions left it, and closes it to them', async () => {
    const dataDir = join(cache, 'user-data', 'demo-pgdata');
    await chmod(dataDir, 0o755);
    const { log, lines: problems } = recordingLog('warn');
    const db = await openDemoDatabase(dataDir, { log });
    // Its history is gone: the demo's own, made again by its backfill.
    expect(await tables(db)).toEqual(ECHO_TABLES);
    expect((await db.query('SELECT count(*)::int AS n FROM agent_status')).rows).toEqual([{ n: 0 }]);
    await db.close();
    const exposed = /^warn the database folder .* was open to other users \(mode 755\): it is made afresh$/;
    expect(problems).toEqual([expect.stringMatching(exposed)]);
    expect((await lstat(dataDir)).mode & 0o777).toBe(0o700);
  }, 60_000);

  it('makes afresh a folder whose database holds code, which never runs', async () => {
    const dataDir = join(cache, 'user-data', 'demo-pgdata');
    const planted = await openDemoDatabase(dataDir);
    await planted.exec(`
      CREATE TABLE planted (note text);
      CREATE FUNCTION planted_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO planted VALUES ('ran'); RETURN NEW; END $$;
      CREATE TRIGGER planted_mark BEFORE INSERT ON agent_status FOR EACH ROW EXECUTE FUNCTION planted_mark();
    `);
    await planted.close();
    const { log, lines: problems } = recordingLog('warn');
    const db = await openDemoDatabase(dataDir, { log });
    await db.query("INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('ceo', 'running', now())");
    expect(await tables(db)).toEqual(ECHO_TABLES);
    await db.close();
    const holdsCode = /^warn the database folder .* holds functions of its own, triggers: it is made afresh$/;
    expect(problems).toEqual([expect.stringMatching(holdsCode)]);
  }, 60_000);

  it('refuses a link in place of the folder, and leaves both as they are', async () => {
    const elsewhere = await mkdtemp(join(cache, 'elsewhere-'));
    const dataDir = join(cache, 'user-data-3', 'demo-pgdata');
    await mkdir(join(cache, 'user-data-3'));
    await symlink(elsewhere, dataDir);
    await expect(openDemoDatabase(dataDir)).rejects.toThrow(
      /demo-pgdata is a symbolic link: the demo neither opens nor removes it\. Remove it/,
    );
    expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
    expect(await readdir(elsewhere)).toEqual([]);
  }, 60_000);

  it.skipIf(!isRoot)(
    'refuses a folder of another user’s, and leaves it as it is',
    async () => {
      const dataDir = join(cache, 'user-data-4', 'demo-pgdata');
      await mkdir(dataDir, { recursive: true, mode: 0o700 });
      await writeFile(join(dataDir, 'PG_VERSION'), '18\n');
      await chown(dataDir, 65534, 65534);
      await expect(openDemoDatabase(dataDir)).rejects.toThrow(
        /belongs to another user \(uid 65534\): the demo neither opens nor removes it/,
      );
      expect(await readdir(dataDir)).toEqual(['PG_VERSION']);
    },
    60_000,
  );
});
