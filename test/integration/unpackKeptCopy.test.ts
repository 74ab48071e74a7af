import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeptCopy, type KeptMember } from '../../src/main/demo/keptCopyCheck';
import { unpackKeptCopy } from '../../src/main/demo/unpackKeptCopy';

let folder: string;
let members: readonly KeptMember[];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'unpack-'));
  // A data folder as PGlite dumps it: what the demo keeps as its copy.
  const db = await PGlite.create();
  const archive = new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  const read = readKeptCopy(archive);
  if ('problem' in read) throw new Error(`PGlite's own dump was refused: ${read.problem}`);
  members = read.members;
}, 60_000);
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Every entry under `root`, relative to it, with its permission bits and whether it is a folder. */
async function entries(root: string): Promise<Map<string, { folder: boolean; mode: number }>> {
  const found = new Map<string, { folder: boolean; mode: number }>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    found.set(relative(root, path), { folder: entry.isDirectory(), mode: (await lstat(path)).mode & 0o777 });
  }
  return found;
}

/** A new, empty folder of this user's alone, as the demo makes one for its database. */
async function newDataDir(name: string): Promise<string> {
  const dataDir = join(folder, name);
  await mkdir(dataDir, { mode: 0o700 });
  return dataDir;
}

describe('a kept copy, unpacked by the demo itself', () => {
  it('holds exactly the checked members, folders 0700 and files 0600, and PGlite opens it', async () => {
    const dataDir = await newDataDir('whole');
    await unpackKeptCopy(members, dataDir);
    const found = await entries(dataDir);
    expect([...found.keys()].sort()).toEqual(members.map((member) => member.relative).sort());
    for (const member of members)
      expect(found.get(member.relative)).toEqual({ folder: member.folder, mode: member.folder ? 0o700 : 0o600 });
    const version = members.find((member) => member.relative === 'PG_VERSION');
    expect(new Uint8Array(await readFile(join(dataDir, 'PG_VERSION')))).toEqual(version?.data);
    const db = await PGlite.create({ dataDir });
    try {
      expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it('never writes through what is already at a member’s name: a link planted there stays, and so does its target', async () => {
    const dataDir = await newDataDir('planted');
    const target = join(folder, 'target');
    await symlink(target, join(dataDir, 'PG_VERSION'));
    await expect(unpackKeptCopy(members, dataDir)).rejects.toThrow(/EEXIST/);
    expect((await lstat(join(dataDir, 'PG_VERSION'))).isSymbolicLink()).toBe(true);
    await expect(lstat(target)).rejects.toThrow(/ENOENT/);
  });
});
