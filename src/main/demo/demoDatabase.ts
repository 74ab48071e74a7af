import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import envPaths from 'env-paths';
import { z } from 'zod';
import { migrate } from '../sources/migrate';
import { BytesBlob } from './bytesBlob';

const versionSchema = z.object({ version: z.string().regex(/^[\w.+-]+$/) });

/**
 * Where a fresh, migrated demo database is kept between runs: this user's
 * cache folder (`~/.cache/delegator-monitor` on Linux), never a shared one,
 * named by PGlite's version so an upgrade makes a new one.
 */
function templatePath(): string {
  // PGlite's package.json is not among its exports: found beside its entry point instead.
  let folder = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  const { version } = versionSchema.parse(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')));
  return join(envPaths('delegator-monitor', { suffix: '' }).cache, `demo-database-pglite-${version}.tar`);
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
    db = dataDir === null ? await PGlite.create({ loadDataDir }) : await PGlite.create(dataDir, { loadDataDir });
    await migrate(db);
    return db;
  } catch {
    // From a run that was cut short, or another version's: made afresh by the caller.
    await db?.close().catch(() => undefined);
    if (dataDir !== null) await rm(dataDir, { recursive: true, force: true });
    return null;
  }
}

/** Keeps a copy of a fresh, migrated database for the next run; one that cannot be written is simply not kept. */
async function keepCopy(db: PGlite, path: string): Promise<void> {
  const partial = `${path}.${String(process.pid)}.part`;
  try {
    const dump = await db.dumpDataDir('none');
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true });
  }
}

/**
 * The demo's database with ECHO's tables: in memory (`dataDir` null), or in
 * that folder, where a database already there is opened as it is (the
 * caller migrates it). Making one from nothing runs PostgreSQL's initdb
 * inside PGlite, 2.5 to 5 s on two cores, on the thread that asked; loading
 * the copy the first run kept takes 1 to 1.5 s. So the desktop app's first
 * demo, whose user data is new, starts from the copy too. A copy that is
 * missing or cannot be loaded is made again.
 */
export async function openDemoDatabase(dataDir: string | null = null): Promise<PGlite> {
  if (dataDir !== null && existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create(dataDir);
  // PGlite makes the folder itself, but not the folders above it.
  if (dataDir !== null) await mkdir(dirname(dataDir), { recursive: true });
  let path: string | null = null;
  try {
    path = templatePath();
  } catch {
    // No cache folder or no PGlite version to name the copy by: nothing is kept.
  }
  const kept = path === null ? null : await fromKeptCopy(path, dataDir);
  if (kept) return kept;
  const db = dataDir === null ? await PGlite.create() : await PGlite.create(dataDir);
  await migrate(db);
  if (path !== null) await keepCopy(db, path);
  return db;
}
