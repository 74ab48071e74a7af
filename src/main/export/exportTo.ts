import type { Writable } from 'node:stream';
import type { ExportQuery } from '../../shared/apiSchemas';
import { DestinationFailed } from './exportErrors';
import { exportChunks, ExportTally, type ExportSources } from './exportChunks';

export interface ExportSummary {
  readonly written: number;
  readonly leftOut: number;
  /** The first few reasons rows were left out. */
  readonly reasons: readonly string[];
}

export interface ExportToOptions {
  /** Called once, just before the first chunk is written: the moment to send headers. */
  readonly beforeFirstChunk?: () => void;
}

function errorOf(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Resolves when the writable asks for more; rejects if it closes or fails
 * first, as a response whose client went away does, so an abandoned export
 * stops reading instead of waiting for a `drain` that never comes.
 */
function drained(writable: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (outcome: () => void) => () => {
      writable.off('drain', onDrain);
      writable.off('close', onClose);
      writable.off('error', onError);
      outcome();
    };
    const onDrain = settle(resolve);
    const onClose = settle(() => {
      reject(new DestinationFailed('the destination closed before the export finished'));
    });
    const onError = (error: unknown): void => {
      settle(() => {
        reject(new DestinationFailed(errorOf(error).message, { cause: error }));
      })();
    };
    writable.on('drain', onDrain);
    writable.on('close', onClose);
    writable.on('error', onError);
  });
}

/**
 * Writes one export into `writable` (a file, a response, stdout), chunk by
 * chunk, waiting for `drain` whenever the writable's buffer is full, so memory
 * stays flat however many rows there are. It does not end the writable: the
 * caller owns it (stdout must stay open; a response may want trailers).
 *
 * Throws `SourceDown` when a source fails and `DestinationFailed` when the
 * writable does; either way the reads stop.
 */
export async function exportTo(
  writable: Writable,
  query: ExportQuery,
  sources: ExportSources,
  options: ExportToOptions = {},
): Promise<ExportSummary> {
  const tally = new ExportTally();
  // An error between two writes would otherwise have no listener and end the process.
  let failure: unknown = null;
  const remember = (error: unknown): void => {
    failure ??= error;
  };
  writable.on('error', remember);
  try {
    let first = true;
    for await (const chunk of exportChunks(query, sources, tally)) {
      if (first) options.beforeFirstChunk?.();
      first = false;
      if (failure !== null) throw new DestinationFailed(errorOf(failure).message, { cause: failure });
      if (writable.destroyed || writable.writableEnded)
        throw new DestinationFailed('the destination closed before the export finished');
      if (!writable.write(chunk)) await drained(writable);
    }
    if (failure !== null) throw new DestinationFailed(errorOf(failure).message, { cause: failure });
  } finally {
    writable.off('error', remember);
  }
  return { written: tally.written, leftOut: tally.leftOut, reasons: tally.reasons };
}
