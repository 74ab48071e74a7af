import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { errorText } from '../../shared/errorText';

/** A token is a line; anything longer is not one, and is never read into memory. */
export const SECRET_FILE_MAX_BYTES = 4096;

export class SecretFileError extends Error {}

/** Windows has no such flag, and no FIFO to wait on. */
const { O_NONBLOCK = 0 } = constants as { O_NONBLOCK?: number };

/**
 * What makes a file unfit to hold a secret, as ssh judges a private key: it
 * must be a regular file (a FIFO would hang the read, a device never ends), of
 * a token's size, owned by this user or root, and neither readable nor
 * writable by anyone else. Null when it is fit. Windows has no such modes.
 */
export function unfitSecretFile(stats: Stats, uid: number | null): string | null {
  if (!stats.isFile()) return 'is not a regular file';
  if (stats.size > SECRET_FILE_MAX_BYTES)
    return `holds ${stats.size.toLocaleString('en')} bytes, more than a token (${SECRET_FILE_MAX_BYTES.toLocaleString('en')} at most)`;
  if (uid === null) return null;
  if (stats.uid !== uid && stats.uid !== 0) return `belongs to another user (uid ${String(stats.uid)})`;
  const others = stats.mode & 0o077;
  if (others !== 0)
    return `can be read or written by others (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}): chmod 600 it`;
  return null;
}

/**
 * Reads a secret from a file after checking the file as opened, not its path
 * before opening (which a link swapped in between would fool). Opened without
 * waiting, so a FIFO is refused rather than read; links are followed, as a
 * mounted secret (systemd's credentials, a container's) often is one, and the
 * file they lead to is the one checked.
 */
export function readSecretFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | O_NONBLOCK);
  } catch (error) {
    throw new SecretFileError(`cannot be read (${errorText(error)})`, { cause: error });
  }
  try {
    const stats = fstatSync(fd);
    const unfit = unfitSecretFile(stats, typeof process.getuid === 'function' ? process.getuid() : null);
    if (unfit !== null) throw new SecretFileError(unfit);
    const buffer = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > SECRET_FILE_MAX_BYTES)
      throw new SecretFileError(`grew past ${SECRET_FILE_MAX_BYTES.toLocaleString('en')} bytes while read`);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}
