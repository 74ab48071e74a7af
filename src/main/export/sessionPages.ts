import { z } from 'zod';
import type { SessionRecord } from '../../shared/model';
import type { InstantRange } from '../core/localTime';
import type { Screened } from '../sources/screening';
import { readSessionRows, SESSION_COLUMNS, utcTimestamp } from '../sources/postgres/sessionRow';
import { Placeholders } from '../sources/postgres/placeholders';
import type { SqlClient } from '../sources/postgres/sqlClient';
import { SourceDown } from './exportErrors';

/** Rows per query: small enough that a page never weighs much, large enough that round trips do not dominate. */
export const EXPORT_PAGE_SIZE = 1000;

// The position of a row in (started_at, id) order, read as text so that no
// driver turns the UTC timestamp into local time and no precision is lost on
// the way back into the next query. Read even from rows that are left out:
// the next page starts after them all the same.
const KEY_COLUMNS = `
  id::text AS page_id,
  to_char(started_at, 'YYYY-MM-DD HH24:MI:SS.US') AS page_started_at`;

const pageKeySchema = z.object({ page_id: z.string().min(1), page_started_at: z.string().min(1) });

interface PageKey {
  readonly startedAt: string;
  readonly id: string;
}

/**
 * Every session started within `span`, oldest first, a page at a time, by
 * keyset pagination on (started_at, id): each query starts after the last row
 * of the one before, so a page costs the same at the end of a million rows as
 * at the start, and sessions sharing a start time are neither repeated nor
 * skipped. Rows that cannot be read are left out with their reason.
 *
 * The repeated `started_at >= key` lets the planner range-scan the index on
 * started_at (the row comparison alone would not); ties within one timestamp
 * are then ordered by id.
 */
export async function* sessionPages(
  sql: SqlClient,
  span: InstantRange,
  pageSize: number = EXPORT_PAGE_SIZE,
): AsyncGenerator<Screened<SessionRecord[]>> {
  const start = utcTimestamp(span.start);
  const end = utcTimestamp(span.end);
  let after: PageKey | null = null;
  for (;;) {
    const rows = await readPage(sql, start, end, after, pageSize);
    yield readSessionRows(rows);
    const last = rows.at(-1);
    if (rows.length < pageSize || last === undefined) return;
    const key = pageKeySchema.parse(last);
    after = { startedAt: key.page_started_at, id: key.page_id };
  }
}

async function readPage(
  sql: SqlClient,
  start: string,
  end: string,
  after: PageKey | null,
  pageSize: number,
): Promise<unknown[]> {
  const params = new Placeholders();
  // After the first page the lower bound is the last row's start, so the index range narrows as the pages go.
  const from = params.add(after?.startedAt ?? start, 'timestamp');
  const keyset = after === null ? '' : `AND (started_at, id) > (${from}, ${params.add(after.id, 'uuid')})`;
  try {
    const { rows } = await sql.query(
      `SELECT ${SESSION_COLUMNS}, ${KEY_COLUMNS}
         FROM delegator_sessions
        WHERE started_at >= ${from} AND started_at < ${params.add(end, 'timestamp')}
          ${keyset}
        ORDER BY started_at, id
        LIMIT ${params.add(pageSize, 'int')}`,
      params.values,
    );
    return rows;
  } catch (error) {
    throw new SourceDown('PostgreSQL', error);
  }
}
