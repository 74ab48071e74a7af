import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { ExportQuery } from '../../shared/api';
import { errorText } from '../../shared/errorText';
import { DestinationFailed, SourceDown } from './exportErrors';
import { exportTo, type ExportSummary } from './exportTo';

/**
 * Writes beside the target and renames it into place at the end, so a failed
 * export never leaves a truncated file under the name asked for, nor
 * overwrites an earlier export with one.
 */
export async function exportToFile(path: string, query: ExportQuery, sources: Parameters<typeof exportTo>[2]): Promise<ExportSummary> {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const file = createWriteStream(partial, { flags: 'wx' });
  // Failures reach exportTo and finished(); this keeps one that comes after both from ending the process.
  file.on('error', () => undefined);
  try {
    // Opened before anything is read, so a failure can never remove the file before it exists.
    await once(file, 'open');
    const summary = await exportTo(file, query, sources);
    file.end();
    await finished(file);
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

