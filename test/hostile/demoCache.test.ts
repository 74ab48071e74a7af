import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmod,
  chown,
  link,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { KEPT_COPY_MAX_BYTES, openDemoDatabase } from '../../src/main/demo/demoDatabase';
import { keptCopyProblem } from '../../src/main/demo/keptCopyCheck';
import { readOwnFile } from '../../src/main/demo/ownFiles';
import { recordingLog } from '../support/recordingLog';

/*
 * The demo's kept database copy, as someone else could leave it where the
 * cache folder is shared, restored or loose: each must be refused before
 * PGlite sees it, the demo must still start on a fresh database, and a good
 * copy must be kept again. Each case makes a fresh database (PostgreSQL's
 * initdb), a few seconds each.
 */

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.warn('demoCache.test.ts: not run as root, so the copy owned by another user (chown to uid 65534) is skipped');

/** Each case makes a fresh database: initdb takes 2.5 to 5 s on two cores, more while other suites run. */
const CASE_MS = 120_000;
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

let cache: string;
let before: string | undefined;
let keptPath: string;
/** The copy the demo kept on its first run. */
let good: Uint8Array;
/** A good copy with a table of its own, `planted`: a database opened from it shows it. */
let planted: Uint8Array;

const tables = async (db: PGlite): Promise<string[]> =>
  (
    await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  ).rows.map((row) => row.name);

/** A copy made from the good one with these statements run on it. */
async function copyWith(sql: string): Promise<Uint8Array> {
  const db = await PGlite.create({ loadDataDir: new Blob([good]) });
  try {
    await db.exec(sql);
    return new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  } finally {
    await db.close();
  }
}

/**
 * One tar member in PGlite's format: type '0' a file, '2' a symbolic link, '3' a character device, '5' a folder, '6' a
 * FIFO.
 */
function tarMember(
  name: string,
  type: '0' | '2' | '3' | '5' | '6',
  data: Uint8Array = new Uint8Array(),
  linkName = '',
): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, text: string): void => {
    header.set(Buffer.from(text, 'latin1'), offset);
  };
  put(0, name);
  put(100, '0000600\0');
  put(108, '0000000\0');
  put(116, '0000000\0');
  put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
  put(136, '00000000000\0');
  put(156, type);
  put(157, linkName);
  put(257, 'ustar\u000000');
  let sum = 0;
  for (let index = 0; index < 512; index += 1) sum += index >= 148 && index < 156 ? 32 : (header[index] ?? 0);
  put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
  const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
  body.set(data);
  return Buffer.concat([header, body]);
}

/** The planted copy with one more member first, which PGlite would unpack before the rest. */
const plantedWith = (member: Uint8Array): Uint8Array => Buffer.concat([member, planted]);

/** Checks that the copy now kept is a good one, this user's alone. */
async function expectGoodCopyKept(): Promise<void> {
  const stats = await lstat(keptPath);
  expect(stats.isFile()).toBe(true);
  expect(stats.mode & 0o777).toBe(0o600);
  expect(stats.uid).toBe(process.getuid?.() ?? stats.uid);
  expect(keptCopyProblem(new Uint8Array(await readFile(keptPath)))).toBeNull();
  expect((await lstat(join(cache, 'delegator-monitor'))).mode & 0o777).toBe(0o700);
}

/**
 * Opens the demo's database over whatever is at the kept copy's path and
 * checks that it is a fresh one (none of the planted table, ECHO's tables,
 * writable), that the copy was refused for `reason`, and that a good copy
 * is kept again.
 */
async function expectMadeAfresh(reason: RegExp): Promise<void> {
  const { log, lines: problems } = recordingLog('warn');
  const db = await openDemoDatabase(null, { log });
  try {
    expect(await tables(db)).toEqual(ECHO_TABLES);
    await db.query("INSERT INTO agent_status (role, status, last_heartbeat) VALUES ('ceo', 'running', now())");
    expect((await db.query('SELECT count(*)::int AS n FROM pg_proc WHERE oid >= 16384')).rows).toEqual([{ n: 0 }]);
  } finally {
    await db.close();
  }
  expect(problems).toEqual([expect.stringMatching(reason)]);
  expect(problems[0]).toMatch(/^warn the kept database copy .*: it is not used, and a new one is made$/);
  await expectGoodCopyKept();
}

beforeAll(async () => {
  cache = await mkdtemp(join(tmpdir(), 'demo-cache-hostile-'));
  before = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = cache;
  const db = await openDemoDatabase();
  await db.close();
  const [name] = (await readdir(join(cache, 'delegator-monitor'))).filter((file) => file.endsWith('.tar'));
  keptPath = join(cache, 'delegator-monitor', name ?? '');
  good = new Uint8Array(await readFile(keptPath));
  planted = await copyWith('CREATE TABLE planted (note text)');
}, CASE_MS);

afterAll(async () => {
  if (before === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = before;
  await rm(cache, { recursive: true, force: true });
});

describe('the kept copy of the demo’s database', () => {
  it(
    'is used again when the demo kept it: a good copy passes every check',
    async () => {
      expect(good.length).toBeLessThan(KEPT_COPY_MAX_BYTES / 3);
      await writeFile(keptPath, planted, { mode: 0o600 });
      const { log, lines } = recordingLog();
      const db = await openDemoDatabase(null, { log });
      expect(await tables(db)).toEqual([...ECHO_TABLES, 'planted'].sort());
      await db.close();
      expect(lines).toEqual([`debug database loaded from the kept copy ${keptPath}`]);
      await writeFile(keptPath, good, { mode: 0o600 });
    },
    CASE_MS,
  );

  it(
    'is made afresh when it is random bytes, never crashing on PGlite’s gunzip',
    async () => {
      await writeFile(keptPath, randomBytes(100_000), { mode: 0o600 });
      await expectMadeAfresh(/is not a tar archive PGlite wrote/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when it is a symbolic link to another file, which is not followed',
    async () => {
      await rm(keptPath);
      await symlink('/etc/passwd', keptPath);
      await expectMadeAfresh(/is a symbolic link/);
    },
    CASE_MS,
  );

  it(
    'is made afresh at once when it is a FIFO, never waiting for a writer',
    async () => {
      await rm(keptPath);
      execFileSync('mkfifo', ['-m', '600', keptPath]);
      const started = Date.now();
      expect(await readOwnFile(keptPath, KEPT_COPY_MAX_BYTES)).toEqual({
        kind: 'refused',
        reason: 'is not a regular file',
      });
      expect(Date.now() - started).toBeLessThan(1000);
      await expectMadeAfresh(/is not a regular file/);
    },
    CASE_MS,
  );

  it(
    'is refused unread when it is a huge sparse file, or a link to /dev/zero: memory does not grow',
    async () => {
      const peakKb = (): number => process.resourceUsage().maxRSS;
      await rm(keptPath);
      await writeFile(keptPath, '', { mode: 0o600 });
      await truncate(keptPath, 1.5 * 1024 ** 3);
      const peak = peakKb();
      expect(await readOwnFile(keptPath, KEPT_COPY_MAX_BYTES)).toEqual({
        kind: 'refused',
        reason: expect.stringMatching(/^holds 1610612736 bytes, more than/),
      });
      await expectMadeAfresh(/holds 1610612736 bytes, more than the 67108864 a copy may/);
      await rm(keptPath);
      await symlink('/dev/zero', keptPath);
      await expectMadeAfresh(/is a symbolic link/);
      // Reading either would have taken gigabytes; a fresh database takes a few hundred megabytes at most.
      expect(peakKb() - peak).toBeLessThan(1024 * 1024);
    },
    2 * CASE_MS,
  );

  it(
    'is made afresh when a member climbs out of the data folder with ..',
    async () => {
      await writeFile(keptPath, plantedWith(tarMember('/../lib/postgresql/plpgsql.so', '0', Buffer.from('planted'))), {
        mode: 0o600,
      });
      await expectMadeAfresh(/a path that is not inside the data folder/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when a member has an absolute path',
    async () => {
      await writeFile(keptPath, plantedWith(tarMember('//etc/planted.conf', '0', Buffer.from('planted'))), {
        mode: 0o600,
      });
      await expectMadeAfresh(/a path that is not inside the data folder/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when a member is a symbolic link',
    async () => {
      await writeFile(keptPath, plantedWith(tarMember('/base/5/99999', '2', new Uint8Array(), '/etc/passwd')), {
        mode: 0o600,
      });
      await expectMadeAfresh(/neither a folder nor a regular file/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when it holds a shared object, or a WebAssembly module under a data file’s name',
    async () => {
      const wasm = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
      await writeFile(keptPath, plantedWith(tarMember('/planted.so', '0', wasm)), { mode: 0o600 });
      await expectMadeAfresh(/holds planted\.so, which is no data file of PostgreSQL's/);
      await writeFile(keptPath, plantedWith(tarMember('/base/5/99999', '0', wasm)), { mode: 0o600 });
      await expectMadeAfresh(/holds base\/5\/99999, which is a WebAssembly module/);
    },
    2 * CASE_MS,
  );

  it(
    'is made afresh when other users may write it',
    async () => {
      await writeFile(keptPath, planted);
      await chmod(keptPath, 0o664);
      await expectMadeAfresh(/is writable by other users/);
    },
    CASE_MS,
  );

  it.skipIf(!isRoot)(
    'is made afresh when it belongs to another user',
    async () => {
      await writeFile(keptPath, planted, { mode: 0o644 });
      await chown(keptPath, 65534, 65534);
      await expectMadeAfresh(/belongs to another user \(uid 65534\)/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when its catalog holds a function, which never runs',
    async () => {
      await writeFile(
        keptPath,
        await copyWith(`
        CREATE TABLE planted (note text);
        CREATE FUNCTION planted_mark() RETURNS varchar LANGUAGE plpgsql AS $$ BEGIN INSERT INTO planted VALUES ('ran'); RETURN '1.0'; END $$;
        ALTER TABLE agent_status ALTER COLUMN version SET DEFAULT planted_mark();
      `),
        { mode: 0o600 },
      );
      // expectMadeAfresh inserts into agent_status: the default would run the function, and `planted` would show it.
      await expectMadeAfresh(/holds functions of its own/);
    },
    CASE_MS,
  );

  it(
    'is made afresh when its catalog holds a trigger that spins, which never runs',
    async () => {
      await writeFile(
        keptPath,
        await copyWith(`
        CREATE TABLE planted (note text);
        CREATE FUNCTION planted_spin() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
          WHILE clock_timestamp() < now() + interval '20 seconds' LOOP END LOOP;
          INSERT INTO planted VALUES ('ran');
          RETURN NEW;
        END $$;
        CREATE TRIGGER planted_spin BEFORE INSERT ON agent_status FOR EACH ROW EXECUTE FUNCTION planted_spin();
      `),
        { mode: 0o600 },
      );
      // expectMadeAfresh inserts into agent_status: the trigger would hold it at full CPU, then leave its row in
      // `planted`.
      await expectMadeAfresh(/holds functions of its own, triggers/);
    },
    CASE_MS,
  );

  it(
    'is written under a random name, so a link planted at the old temporary name is not followed',
    async () => {
      await rm(keptPath);
      const victim = join(cache, 'victim.txt');
      await writeFile(victim, 'untouched');
      const plantedLink = `${keptPath}.${String(process.pid)}.part`;
      await symlink(victim, plantedLink);
      const db = await openDemoDatabase();
      await db.close();
      expect(await readFile(victim, 'utf8')).toBe('untouched');
      expect(await readlink(plantedLink)).toBe(victim);
      await expectGoodCopyKept();
    },
    CASE_MS,
  );
});

describe('the check of a kept copy', () => {
  const withSettings = (conf: string): Uint8Array =>
    plantedWith(tarMember('/postgresql.auto.conf', '0', Buffer.from(conf)));

  it('refuses what would load a library or read another file, a device or a FIFO, a prepared transaction and trailing data', () => {
    expect(keptCopyProblem(good)).toBeNull();
    expect(keptCopyProblem(withSettings("shared_preload_libraries = '/pglite/data/base/5/99999'\n"))).toMatch(
      /postgresql\.auto\.conf sets more/,
    );
    expect(
      keptCopyProblem(plantedWith(tarMember('/postgresql.conf', '0', Buffer.from("include '/etc/passwd'\n")))),
    ).toMatch(/postgresql\.conf sets more/);
    expect(keptCopyProblem(plantedWith(tarMember('/base/5/99999', '3')))).toMatch(
      /neither a folder nor a regular file/,
    );
    expect(keptCopyProblem(plantedWith(tarMember('/base/5/99999', '6')))).toMatch(
      /neither a folder nor a regular file/,
    );
    expect(keptCopyProblem(plantedWith(tarMember('/pg_twophase/000002E4', '0', Buffer.from('x'))))).toMatch(
      /no data file of PostgreSQL's/,
    );
    expect(keptCopyProblem(Buffer.concat([good, tarMember('/base/5/99999', '0', Buffer.from('x'))]))).toMatch(
      /holds data after its end/,
    );
    expect(keptCopyProblem(good.subarray(0, good.length - 4096))).not.toBeNull();
    expect(keptCopyProblem(new TextEncoder().encode('not a database'))).toMatch(/is not a tar archive/);
  });

  it('refuses a copy with a second name, whose other owner could write it', async () => {
    const other = join(cache, 'second-name.tar');
    await link(keptPath, other);
    expect(await readOwnFile(keptPath, KEPT_COPY_MAX_BYTES)).toEqual({
      kind: 'refused',
      reason: 'has more than one name (a hard link)',
    });
    await rm(other);
    expect(await readOwnFile(keptPath, KEPT_COPY_MAX_BYTES)).toEqual({ kind: 'read', bytes: expect.any(Uint8Array) });
  });
});
