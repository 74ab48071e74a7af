import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import envPaths from 'env-paths';
import { z } from 'zod';
import { createStandaloneTables, createStandaloneWorkTables } from '../sources/migrate';
import { BytesBlob } from './bytesBlob';

const versionSchema = z.object({ version: z.string().regex(/^[\w.+-]+$/) });

/**
 * PostgreSQL as the demo needs it. Its default 128 MB of shared buffers is
 * memory PGlite touches at every start, about 0.4 s of it on two cores; the
 * demo's tables fit in a fraction of 16 MB.
 */
const demoSettings: PGliteOptions = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };

/** A new database writes its WAL in 1 MB segments rather than 16: a copy of it carries a few megabytes of WAL, not 16. */
const newDatabaseSettings: PGliteOptions = { ...demoSettings, initDbStartParams: ['--wal-segsize=1'] };

/** The folder a database lives in, as PGlite's options say it; none keeps it in memory. */
const inFolder = (dataDir: string | null): PGliteOptions => (dataDir === null ? {} : { dataDir });

/**
 * Names the kept copy's layout, so a copy made before the layout changed is
 * not used, and is removed: 3 holds ECHO's work tables (messages, decisions,
 * decision_votes, llm_sessions, workflow_executions, flow_executions) too.
 */
const KEPT_LAYOUT = 3;
const keptCopyName = /^demo-database-(\d+-)?pglite-[\w.+-]+\.tar$/;

/**
 * Where a fresh, migrated demo database is kept between runs: this user's
 * cache folder (`~/.cache/delegator-monitor` on Linux), never a shared one,
 * named by PGlite's version so an upgrade makes a new one.
 */
function keptCopyPath(): string {
  // PGlite's package.json is not among its exports: found beside its entry point instead.
  let folder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  const { version } = versionSchema.parse(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')));
  return join(envPaths('delegator-monitor', { suffix: '' }).cache, `demo-database-${String(KEPT_LAYOUT)}-pglite-${version}.tar`);
}

/** Every table of ECHO's the demo writes: the demo's database is its own, and ECHO never migrates it. */
async function createDemoTables(db: PGlite): Promise<void> {
  await createStandaloneTables(db);
  await createStandaloneWorkTables(db);
}

/** A database made from the kept copy, or null when there is none or it cannot be loaded; a folder it left half-written is emptied. */
async function fromKeptCopy(path: string, dataDir: string | null): Promise<PGlite | null> {
  let loadDataDir: Blob;
  try {
    loadDataDir = new BytesBlob(await readFile(path));
  } catch {
    return null;
  }
  let db: PGlite | null = null;
  try {
    db = await PGlite.create({ ...demoSettings, ...inFolder(dataDir), loadDataDir });
    await createDemoTables(db);
    return db;
  } catch {
    // From a run that was cut short, or another version's: made afresh by the caller.
    await db?.close().catch(() => undefined);
    if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
    return null;
  }
}

/**
 * Leaves out what the demo never reads, so that every start loads less:
 * the template databases, half of what a new PostgreSQL holds (nothing
 * here runs CREATE DATABASE), and the WAL a checkpoint makes redundant.
 */
async function trimForKeeping(db: PGlite): Promise<void> {
  for (const name of ['template0', 'template1']) {
    // DROP DATABASE runs alone, outside any transaction.
    await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
    await db.exec(`DROP DATABASE ${name}`);
  }
  await db.exec('CHECKPOINT');
}

/** Keeps a copy of a fresh, migrated database for the next run, in place of older ones; one that cannot be written is simply not kept. */
async function keepCopy(db: PGlite, path: string): Promise<void> {
  const partial = `${path}.${String(process.pid)}.part`;
  try {
    const dump = await db.dumpDataDir('none');
    await mkdir(dirname(path), { recursive: true });
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true });
    return;
  }
  // Copies of another PGlite version or an older layout would only take room.
  const folder = dirname(path);
  const kept = basename(path);
  for (const name of await readdir(folder).catch(() => [])) {
    if (name !== kept && keptCopyName.test(name)) await rm(join(folder, name), { force: true });
  }
}

/**
 * The demo's database with ECHO's tables (the two the monitor's sessions
 * views read, and the work tables): in memory (`dataDir` null), or in
 * that folder, where a database already there is opened as it is (the
 * caller migrates it). Making one from nothing runs PostgreSQL's initdb
 * inside PGlite, 2.5 to 5 s on two cores, on the thread that asked; loading
 * the trimmed copy the first run kept takes under a second. So the desktop
 * app's first demo, whose user data is new, starts from the copy too. A copy
 * that is missing or cannot be loaded is made again.
 */
export async function openDemoDatabase(dataDir: string | null = null): Promise<PGlite> {
  if (dataDir !== null && existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create({ ...demoSettings, dataDir });
  // PGlite makes the folder itself, but not the folders above it.
  if (dataDir !== null) await mkdir(dirname(dataDir), { recursive: true });
  let path: string | null = null;
  try {
    path = keptCopyPath();
  } catch {
    // No cache folder or no PGlite version to name the copy by: nothing is kept.
  }
  const kept = path === null ? null : await fromKeptCopy(path, dataDir);
  if (kept) return kept;
  const db = await PGlite.create({ ...newDatabaseSettings, ...inFolder(dataDir) });
  await createDemoTables(db);
  if (path !== null) {
    await trimForKeeping(db);
    await keepCopy(db, path);
  }
  return db;
}
