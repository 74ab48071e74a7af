import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/*
 * The demo loads a database it kept, and opens a database folder it made,
 * only where no one but this user could have written them: PostgreSQL trusts
 * its data folder, and what it reads there can run code in this process.
 * Each file is opened first and its open descriptor checked (fstat), so what
 * is checked is what is read; a path swapped between a check and an open
 * cannot slip through.
 */

/** This process's user; null on Windows, whose per-user folders are guarded by ACLs rather than modes. */
const uid: number | null = typeof process.getuid === 'function' ? process.getuid() : null;

// Windows has neither flag: its folders are per-user, and it has no FIFOs to hang on.
const { O_NOFOLLOW = 0, O_NONBLOCK = 0, O_DIRECTORY = 0 } = constants as Partial<typeof constants>;
/** A symbolic link is refused (ELOOP), not followed; a FIFO opens at once instead of waiting for a writer. */
const READ_FLAGS = constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;
const FOLDER_FLAGS = constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

const errorCode = (error: unknown): string =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';

/** Why someone other than this user could have written what these stats describe, or null. */
function othersCouldWrite(stats: Stats): string | null {
  if (uid === null) return null;
  if (stats.uid !== uid) return `belongs to another user (uid ${String(stats.uid)})`;
  if ((stats.mode & 0o022) !== 0) return 'is writable by other users';
  return null;
}

export type OwnFile =
  | { readonly kind: 'read'; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly kind: 'missing' }
  | { readonly kind: 'refused'; readonly reason: string };

/**
 * A file's bytes, if it is a regular file of this user's that no one else
 * may write, with one name (a hard link would let its other name's owner
 * write it), and of at most `maxBytes`: read from the descriptor that was
 * checked, so a symbolic link, a device, a FIFO or a huge file is refused
 * before a byte of it is read.
 */
export async function readOwnFile(path: string, maxBytes: number): Promise<OwnFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'refused', reason: code === 'ELOOP' ? 'is a symbolic link' : `cannot be opened (${code})` };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { kind: 'refused', reason: 'is not a regular file' };
    const foreign = othersCouldWrite(stats);
    if (foreign !== null) return { kind: 'refused', reason: foreign };
    if (uid !== null && stats.nlink !== 1) return { kind: 'refused', reason: 'has more than one name (a hard link)' };
    if (stats.size > maxBytes)
      return {
        kind: 'refused',
        reason: `holds ${String(stats.size)} bytes, more than the ${String(maxBytes)} a copy may`,
      };
    const bytes = new Uint8Array(stats.size);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled !== stats.size) return { kind: 'refused', reason: 'changed while it was read' };
    return { kind: 'read', bytes };
  } finally {
    await handle.close();
  }
}

/**
 * Writes a file in one step: to a new file of a random name beside it,
 * created exclusively (never through a link planted at that name) and
 * readable by this user alone, then renamed over `path`.
 */
export async function writeOwnFile(path: string, bytes: Uint8Array): Promise<void> {
  const partial = `${path}.${randomBytes(16).toString('hex')}.part`;
  try {
    await writeFile(partial, bytes, { flag: 'wx', mode: 0o600 });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Makes `folder` this user's alone, creating it where it is missing: null
 * when it is a real folder of this user's, now closed to everyone else;
 * otherwise why it cannot be used (a link, a file, another user's folder).
 */
export async function ownFolder(folder: string): Promise<string | null> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  if (uid === null) return (await lstat(folder)).isDirectory() ? null : 'is not a folder';
  let handle: FileHandle;
  try {
    handle = await open(folder, FOLDER_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    return code === 'ELOOP' || code === 'ENOTDIR' ? 'is not a folder' : `cannot be opened (${code})`;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isDirectory()) return 'is not a folder';
    if (stats.uid !== uid) return `belongs to another user (uid ${String(stats.uid)})`;
    if ((stats.mode & 0o077) !== 0) await handle.chmod(0o700);
    return null;
  } finally {
    await handle.close();
  }
}

/** What an existing database folder is to the demo. */
export type FolderState =
  | { readonly kind: 'absent' }
  /**
   * This user's alone, as the demo makes it (0700), holding only this user's folders and regular files: opened as it
   * is.
   */
  | { readonly kind: 'own' }
  /**
   * This user's folder, but others could have written inside it (an older version made it 0755, its files 0666): made
   * afresh.
   */
  | { readonly kind: 'exposed'; readonly reason: string }
  /** Not this user's folder (another user's, a link, a file): left alone, and refused. */
  | { readonly kind: 'foreign'; readonly reason: string };

/**
 * Walks a folder without following links: null when it holds only folders and regular files of this user's, at most
 * `maxEntries`.
 */
async function strangeEntry(folder: string, maxEntries: number): Promise<string | null> {
  const pending = [folder];
  let seen = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const entry of await readdir(next, { withFileTypes: true })) {
      seen += 1;
      if (seen > maxEntries) return `holds more than ${String(maxEntries)} entries`;
      const path = join(next, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (!entry.isFile()) return `holds ${entry.name}, which is neither a folder nor a regular file`;
      if (uid !== null && (await lstat(path)).uid !== uid) return `holds ${entry.name}, which belongs to another user`;
    }
  }
  return null;
}

/**
 * Whether an existing database folder can be opened as it is, must be made
 * afresh, or must be refused. A folder of this user's is closed to everyone
 * else (0700) as soon as it is seen, so that nothing more can change in it
 * while it is read or removed.
 */
export async function databaseFolderState(folder: string, maxEntries: number): Promise<FolderState> {
  let stats: Stats;
  try {
    stats = await lstat(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (!stats.isDirectory())
    return { kind: 'foreign', reason: stats.isSymbolicLink() ? 'is a symbolic link' : 'is not a folder' };
  if (uid !== null) {
    const handle = await open(folder, FOLDER_FLAGS);
    try {
      const opened = await handle.stat();
      if (!opened.isDirectory() || opened.ino !== stats.ino)
        return { kind: 'foreign', reason: 'changed while it was checked' };
      if (opened.uid !== uid) return { kind: 'foreign', reason: `belongs to another user (uid ${String(opened.uid)})` };
      if ((opened.mode & 0o077) !== 0) {
        await handle.chmod(0o700);
        return { kind: 'exposed', reason: `was open to other users (mode ${(opened.mode & 0o777).toString(8)})` };
      }
    } finally {
      await handle.close();
    }
  }
  const strange = await strangeEntry(folder, maxEntries).catch(
    (error: unknown) => `cannot be read through (${errorCode(error)})`,
  );
  return strange === null ? { kind: 'own' } : { kind: 'exposed', reason: strange };
}
