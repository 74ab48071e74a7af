import { errorText } from '../../shared/errorText';

/**
 * A source an export reads from failed (PostgreSQL, the event log file). Kept
 * apart from every other failure: the command line exits 2 for it and the web
 * host answers 503, as for any source down.
 */
export class SourceDown extends Error {
  override readonly name = 'SourceDown';

  constructor(source: string, cause: unknown) {
    super(`${source}: ${errorText(cause)}`, { cause });
  }
}

/** Whoever receives the export went away or failed (a closed response, a full disk). */
export class DestinationFailed extends Error {
  override readonly name = 'DestinationFailed';
}
