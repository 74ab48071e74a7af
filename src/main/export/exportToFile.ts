import { constants, createWriteStream, type Stats } from 'node:fs';
import { once } from 'node:events';
import { access, lstat, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ExportQuery } from '../../shared/apiSchemas';
import { errorText } from '../../shared/errorText';
import { isMissingFile } from '../sources/screening';
import { DestinationFailed, SourceDown } from './exportErrors';
import { exportTo, type ExportSummary } from './exportTo';

/** What stands at a path when it is not a regular file, in words; null for a regular file. */
function otherKind(stats: Stats): string | null {
  if (stats.isFile()) return null;
  // A link is never followed: renaming over it would replace the link itself with the export.
  if (stats.isSymbolicLink()) return 'it is a symbolic link; name the file itself';
  if (stats.isDirectory()) return 'it is a directory';
  if (stats.isFIFO()) return 'it is a FIFO, not a regular file';
  if (stats.isCharacterDevice()) return 'it is a character device, not a regular file';
  if (stats.isBlockDevice()) return 'it is a block device, not a regular file';
  if (stats.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

/**
 * The export may take the name only where nothing stands yet, or a regular
 * file this user may write: the rename at the end replaces whatever is there,
 * so a device, a FIFO, a directory or a symbolic link would be swapped for a
 * plain file without a word. A read-only file is kept as a shell's `>` would
 * keep it.
 */
async function checkTarget(path: string): Promise<void> {
  let stats: Stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if (isMissingFile(error)) return;
    throw new DestinationFailed(errorText(error), { cause: error });
  }
  const other = otherKind(stats);
  if (other !== null) throw new DestinationFailed(other);
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    throw new DestinationFailed(errorText(error), { cause: error });
  }
}

/**
 * Writes beside the target and renames it into place at the end, so a failed
 * export never leaves a truncated file under the name asked for, nor
 * overwrites an earlier export with one.
 *
 * The target is checked before anything is read and again just before the
 * rename, so something put there while the export ran (a link, a FIFO) is
 * refused too. POSIX has no rename that replaces only a regular file, so a
 * swap in the instant between that last check and the rename is not caught;
 * it takes someone who may write the target's folder, who could replace the
 * file afterwards all the same.
 */
export async function exportToFile(
  path: string,
  query: ExportQuery,
  sources: Parameters<typeof exportTo>[2],
): Promise<ExportSummary> {
  await checkTarget(path);
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  // `wx` creates it or fails, and never follows a link left under its name.
  const file = createWriteStream(partial, { flags: 'wx' });
  // Failures reach exportTo and finished(); this keeps one that comes after both from ending the process.
  file.on('error', () => undefined);
  try {
    // Opened before anything is read, so a failure can never remove the file before it exists.
    await once(file, 'open');
    const summary = await exportTo(file, query, sources);
    file.end();
    await finished(file);
    await checkTarget(path);
    await rename(partial, path);
    return summary;
  } catch (error) {
    if (!file.destroyed) {
      file.destroy();
      await once(file, 'close');
    }
    await rm(partial, { force: true });
    if (error instanceof SourceDown || error instanceof DestinationFailed) throw error;
    throw new DestinationFailed(errorText(error), { cause: error });
  }
}
