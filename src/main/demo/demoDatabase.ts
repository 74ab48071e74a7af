import { existsSync, readFileSync } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import envPaths from 'env-paths';
import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import { createStandaloneTables, createStandaloneWorkTables } from '../sources/postgres/migrate';
import { BytesBlob } from './bytesBlob';
import { catalogProblem } from './catalogCheck';
import { keptCopyProblem, readKeptCopy } from './keptCopyCheck';
import { databaseFolderState, ownFolder, readOwnFile, writeOwnFile } from './ownFiles';
import { unpackKeptCopy } from './unpackKeptCopy';

const versionSchema = z.object({ version: z.string().regex(/^[\w.+-]+$/) });

/**
 * The most a kept copy may hold. The demo's is about 15 MB; a data folder
 * straight from initdb, template databases and a 16 MB WAL segment
 * included, about 40. Anything larger is not read at all.
 */
export const KEPT_COPY_MAX_BYTES = 64 * 1024 * 1024;
/** The most entries a database folder may hold to be opened as it is: the demo's holds about a thousand. */
const FOLDER_MAX_ENTRIES = 50_000;

/**
 * PostgreSQL as the demo needs it. Its default 128 MB of shared buffers is
 * memory PGlite touches at every start, about 0.4 s of it on two cores; the
 * demo's tables fit in a fraction of 16 MB.
 */
const demoSettings: PGliteOptions = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] };

/**
 * A new database writes its WAL in 1 MB segments rather than 16: a copy of it carries a few megabytes of WAL, not 16.
 */
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
/** What a write cut short leaves beside a copy (older versions named it by pid, this one at random). */
const partialName = /^demo-database-(\d+-)?pglite-[\w.+-]+\.tar\.\w+\.part$/;
/** A partial copy this old is no other run's write still under way. */
const PARTIAL_STALE_MS = 60 * 60 * 1000;

export interface DemoDatabaseOptions {
  /** Warned, in one line, when a kept copy or a database folder is not used and why; at debug, which was opened. */
  readonly log?: Logger;
}

/**
 * Where a fresh, migrated demo database is kept between runs: this user's
 * cache folder (`~/.cache/delegator-monitor` on Linux), named by PGlite's
 * version so an upgrade makes a new one. The folder is made this user's
 * alone (0700); one that cannot be (another user's, a link) keeps nothing.
 */
async function keptCopyPath(log: Logger): Promise<string | null> {
  let folder: string;
  let version: string;
  try {
    // PGlite's package.json is not among its exports: found beside its entry point instead.
    let packageFolder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    while (!existsSync(join(packageFolder, 'package.json')) && dirname(packageFolder) !== packageFolder)
      packageFolder = dirname(packageFolder);
    ({ version } = versionSchema.parse(JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8'))));
    folder = envPaths('delegator-monitor', { suffix: '' }).cache;
  } catch {
    // No cache folder or no PGlite version to name the copy by: nothing is kept.
    return null;
  }
  const problem = await ownFolder(folder).catch((error: unknown) => `cannot be made (${errorText(error)})`);
  if (problem !== null) {
    log.warn(`the cache folder ${folder} ${problem}: no database copy is kept there`);
    return null;
  }
  return join(folder, `demo-database-${String(KEPT_LAYOUT)}-pglite-${version}.tar`);
}

/** Every table of ECHO's the demo writes: the demo's database is its own, and ECHO never migrates it. */
async function createDemoTables(db: PGlite): Promise<void> {
  await createStandaloneTables(db);
  await createStandaloneWorkTables(db);
}

/** Removes a database folder of this user's (closed to others by now), so that a new one is made there. */
async function removeFolder(dataDir: string): Promise<void> {
  try {
    await rm(dataDir, { recursive: true, force: true });
  } catch (error) {
    throw new Error(
      `The demo's database folder ${dataDir} cannot be removed to be made afresh (${errorText(error)}): remove it, and the demo makes a new one.`,
      { cause: error },
    );
  }
}

/** A new, empty folder for a database, this user's alone. */
const newFolder = (dataDir: string): Promise<void> => mkdir(dataDir, { mode: 0o700 });

/**
 * A database made from the kept copy, or null when there is none or it is
 * not used: a copy that is not this user's alone (a link, a FIFO, a device,
 * another user's file, one others may write), is too large, is not a data
 * folder of PostgreSQL's, or holds code, is removed, so that a good one is
 * kept in its place. A folder it left half-written is removed too.
 */
async function fromKeptCopy(path: string, dataDir: string | null, log: Logger): Promise<PGlite | null> {
  const discard = async (reason: string): Promise<null> => {
    log.warn(`the kept database copy ${path} ${reason}: it is not used, and a new one is made`);
    // A folder planted at its name stays, and no copy is kept there.
    await rm(path, { force: true }).catch(() => undefined);
    return null;
  };
  const file = await readOwnFile(path, KEPT_COPY_MAX_BYTES);
  if (file.kind === 'missing') return null;
  if (file.kind === 'refused') return discard(file.reason);
  const read = readKeptCopy(file.bytes);
  if ('problem' in read) return discard(read.problem);
  if (dataDir !== null) await newFolder(dataDir);
  let db: PGlite | null = null;
  try {
    // The bytes checked, not the file read again: what is unpacked is what was checked. A folder is unpacked here,
    // far faster than PGlite would (unpackKeptCopy.ts); a database in memory is PGlite's to unpack.
    if (dataDir === null) db = await PGlite.create({ ...demoSettings, loadDataDir: new BytesBlob(file.bytes) });
    else {
      await unpackKeptCopy(read.members, dataDir);
      db = await PGlite.create({ ...demoSettings, dataDir });
    }
    // Before anything else runs on it: a demo database holds no code.
    const code = await catalogProblem(db);
    if (code !== null) throw new Error(code);
    await createDemoTables(db);
    log.debug(`database loaded from the kept copy ${path}`);
    return db;
  } catch (error) {
    // A copy from a run that was cut short, another version's, or one that holds code: made afresh by the caller.
    await db?.close().catch(() => undefined);
    if (dataDir !== null) await removeFolder(dataDir);
    return discard(errorText(error));
  }
}

/**
 * The existing database folder, opened as it is where it is this user's
 * alone and holds a demo database; null where the caller makes a new one
 * (none there, half-made, open to other users as older versions left it,
 * or holding code). A folder that is not this user's is refused, and left
 * as it is.
 */
async function fromFolder(dataDir: string, log: Logger): Promise<PGlite | null> {
  const state = await databaseFolderState(dataDir, FOLDER_MAX_ENTRIES);
  if (state.kind === 'absent') return null;
  if (state.kind === 'foreign') {
    throw new Error(
      `The demo's database folder ${dataDir} ${state.reason}: the demo neither opens nor removes it. Remove it, and the demo makes a new one.`,
    );
  }
  if (state.kind === 'exposed') {
    log.warn(`the database folder ${dataDir} ${state.reason}: it is made afresh`);
    await removeFolder(dataDir);
    return null;
  }
  const version = await lstat(join(dataDir, 'PG_VERSION')).catch(() => null);
  if (!version?.isFile()) {
    await removeFolder(dataDir);
    return null;
  }
  const db = await PGlite.create({ ...demoSettings, dataDir });
  const code = await catalogProblem(db).catch((error: unknown) => `cannot be checked (${errorText(error)})`);
  if (code === null) {
    // A folder kept from before ECHO's work tables gets them too.
    await createDemoTables(db).catch(async (error: unknown) => {
      await db.close().catch(() => undefined);
      throw error;
    });
    log.debug(`database opened in ${dataDir}`);
    return db;
  }
  await db.close().catch(() => undefined);
  log.warn(`the database folder ${dataDir} ${code}: it is made afresh`);
  await removeFolder(dataDir);
  return null;
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

/** Removes other versions' and layouts' copies, and partial copies no run is still writing. */
async function sweep(path: string): Promise<void> {
  const folder = dirname(path);
  const kept = basename(path);
  for (const name of await readdir(folder).catch(() => [])) {
    if (name === kept) continue;
    if (keptCopyName.test(name)) await rm(join(folder, name), { force: true }).catch(() => undefined);
    else if (partialName.test(name)) {
      const stats = await lstat(join(folder, name)).catch(() => null);
      if (stats && Date.now() - stats.mtimeMs > PARTIAL_STALE_MS)
        await rm(join(folder, name), { force: true }).catch(() => undefined);
    }
  }
}

/**
 * Keeps a copy of a fresh, migrated database for the next run, in place of older ones; one that cannot be written is
 * simply not kept.
 */
async function keepCopy(db: PGlite, path: string, log: Logger): Promise<void> {
  try {
    const dump = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
    // A copy the next run would refuse is not worth writing.
    const problem = keptCopyProblem(dump);
    if (problem !== null) {
      log.warn(`a new database copy ${problem}: it is not kept`);
      return;
    }
    await writeOwnFile(path, dump);
  } catch {
    return;
  }
  await sweep(path);
}

/**
 * The demo's database with ECHO's tables (the two the monitor's sessions
 * views read, and the work tables): in memory (`dataDir` null), or in
 * that folder, where a database already there is opened as it is (and
 * given any of those tables it lacks) if the folder is this user's alone. Making one from
 * nothing runs PostgreSQL's initdb inside PGlite, 2.5 to 5 s on two cores,
 * on the thread that asked; loading the trimmed copy the first run kept
 * takes under a second. So the desktop app's first demo, whose user data is
 * new, starts from the copy too. A copy that is missing or not fit to use is
 * made again. Neither a copy nor a folder is used unless only this user
 * could have written it, and neither when it holds code (ownFiles.ts,
 * keptCopyCheck.ts, catalogCheck.ts).
 */
export async function openDemoDatabase(
  dataDir: string | null = null,
  options: DemoDatabaseOptions = {},
): Promise<PGlite> {
  return (await openDemoDatabaseFrom(dataDir, options)).db;
}

/**
 * Where an opened demo database came from: a folder an earlier run used (which may hold what a killed run left
 * open), or, new to this run, the kept copy or PostgreSQL's initdb.
 */
export type DatabaseOrigin = 'folder' | 'kept copy' | 'initdb';

/** openDemoDatabase, saying where the database came from. */
export async function openDemoDatabaseFrom(
  dataDir: string | null,
  options: DemoDatabaseOptions = {},
): Promise<{ readonly db: PGlite; readonly origin: DatabaseOrigin }> {
  const log = options.log ?? SILENT_LOGGER;
  if (dataDir !== null) {
    // The folders above the database's own, which is made below.
    await mkdir(dirname(dataDir), { recursive: true });
    const existing = await fromFolder(dataDir, log);
    if (existing) return { db: existing, origin: 'folder' };
  }
  const path = await keptCopyPath(log);
  const kept = path === null ? null : await fromKeptCopy(path, dataDir, log);
  if (kept) return { db: kept, origin: 'kept copy' };
  // Made here rather than by PGlite, whose folder would be open to every user of the machine.
  if (dataDir !== null) await newFolder(dataDir);
  const db = await PGlite.create({ ...newDatabaseSettings, ...inFolder(dataDir) });
  await createDemoTables(db);
  log.debug(`database made afresh ${dataDir === null ? 'in memory' : `in ${dataDir}`}`);
  if (path !== null) {
    await trimForKeeping(db);
    await keepCopy(db, path, log);
  }
  return { db, origin: 'initdb' };
}
