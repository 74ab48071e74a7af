import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import envPaths from 'env-paths';
import { z } from 'zod';
import { migrate } from '../sources/migrate';

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

/**
 * An in-memory demo database with ECHO's tables. Making one from nothing runs
 * PostgreSQL's initdb inside PGlite, about 2.5 s here; loading the same
 * database from the copy the first run kept takes about 1 s. A copy that is
 * missing or cannot be loaded is made again; one that cannot be written is
 * simply not kept.
 */
export async function openDemoDatabase(): Promise<PGlite> {
  let path: string | null = null;
  try {
    path = templatePath();
    const kept = await PGlite.create({ loadDataDir: new Blob([await readFile(path)]) });
    try {
      await migrate(kept);
      return kept;
    } catch (error) {
      await kept.close();
      throw error;
    }
  } catch {
    // Missing, or from a run that was cut short: made afresh below.
  }
  const db = await PGlite.create();
  await migrate(db);
  if (path === null) return db;
  const partial = `${path}.${String(process.pid)}.part`;
  try {
    const dump = await db.dumpDataDir('none');
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  } catch {
    await rm(partial, { force: true });
  }
  return db;
}
