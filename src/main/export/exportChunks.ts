import type { ExportQuery } from '../../shared/apiSchemas';
import {
  csvEncoder,
  EVENT_EXPORT_COLUMNS,
  eventExportRow,
  jsonEncoder,
  SESSION_EXPORT_COLUMNS,
  sessionExportRow,
  type ExportEncoder,
  type ExportValue,
} from '../core/views/exportRows';
import { localDateSpan, type InstantRange } from '../core/localTime';
import type { Screened } from '../sources/screening';
import type { SqlClient } from '../sources/postgres/sqlClient';
import type { EventEntry } from './eventEntries';
import { EXPORT_PAGE_SIZE, sessionPages } from './sessionPages';

/** What an export reads from. */
export interface ExportSources {
  /** ECHO's sessions table. */
  readonly sql: SqlClient;
  /** The monitor's event log, oldest first; read anew for each export. */
  readonly events: () => AsyncIterable<EventEntry> | Iterable<EventEntry>;
  /** The user's zone: it decides the local days and the offsets written. */
  readonly timeZone: string;
  /** Rows per query and per chunk; tests make it small. */
  readonly pageSize?: number;
}

/** How many rows an export wrote and left out, with the first few reasons. */
export class ExportTally {
  static readonly REASONS_KEPT = 5;
  written = 0;
  leftOut = 0;
  /** Only the first few: a table of a million bad rows must not fill memory with reasons. */
  readonly reasons: string[] = [];

  leaveOut(reason: string): void {
    this.leftOut += 1;
    if (this.reasons.length < ExportTally.REASONS_KEPT) this.reasons.push(reason);
  }
}

function encoderFor(query: ExportQuery): ExportEncoder {
  const columns = query.what === 'sessions' ? SESSION_EXPORT_COLUMNS : EVENT_EXPORT_COLUMNS;
  return query.format === 'csv' ? csvEncoder(columns) : jsonEncoder(columns);
}

type Row = Readonly<Record<string, ExportValue>>;

/** Sessions or events in the span, a page of rows at a time. */
async function* rowPages(
  query: ExportQuery,
  sources: ExportSources,
  span: InstantRange,
): AsyncGenerator<Screened<Row[]>> {
  const pageSize = sources.pageSize ?? EXPORT_PAGE_SIZE;
  if (query.what === 'sessions') {
    for await (const page of sessionPages(sources.sql, span, pageSize)) {
      yield { value: page.value.map((session) => sessionExportRow(session, sources.timeZone)), dropped: page.dropped };
    }
    return;
  }
  let rows: Row[] = [];
  let dropped: string[] = [];
  for await (const entry of sources.events()) {
    if (!entry.ok) {
      dropped.push(entry.reason);
      continue;
    }
    const at = Date.parse(entry.event.at);
    if (at < span.start || at >= span.end) continue;
    rows.push(eventExportRow(entry.event, sources.timeZone));
    if (rows.length + dropped.length >= pageSize) {
      yield { value: rows, dropped };
      rows = [];
      dropped = [];
    }
  }
  yield { value: rows, dropped };
}

/**
 * An export as text chunks, one per page of rows: the single implementation
 * behind the command line, the web host and any other writer. The first chunk
 * holds the header together with the first page, so it arrives only once the
 * source has answered: a writer that waits for it can still report a source
 * down instead of starting a file it cannot finish.
 */
export async function* exportChunks(
  query: ExportQuery,
  sources: ExportSources,
  tally: ExportTally = new ExportTally(),
): AsyncGenerator<string> {
  const span = localDateSpan(query.from, query.to, sources.timeZone);
  const encoder = encoderFor(query);
  let pending = encoder.head;
  for await (const page of rowPages(query, sources, span)) {
    for (const reason of page.dropped) tally.leaveOut(reason);
    tally.written += page.value.length;
    const text = pending + encoder.encode(page.value);
    pending = '';
    if (text !== '') yield text;
  }
  yield pending + encoder.tail();
}
