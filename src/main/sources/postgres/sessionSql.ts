import type { InstantRange } from '../../core/localTime';
import type { Placeholders } from './placeholders';
import { READABLE_ROW_SQL, SHOWN_SESSION_COLUMNS, utcTimestamp } from './sessionRow';

/**
 * The SQL of the session store's questions. Every count reads only the rows
 * the lists can show (READABLE_ROW_SQL), so a day's figures and its history
 * agree.
 */

/** More "active" rows than this means a delegator that crashed many times; the rest are counted, not listed. */
export const ACTIVE_LIMIT = 200;
export const HISTORY_LIMIT = 50;

function spanOf(ranges: readonly InstantRange[]): InstantRange {
  return { start: Math.min(...ranges.map((range) => range.start)), end: Math.max(...ranges.map((range) => range.end)) };
}

/** A condition on a timestamp column's index: `column` within `range`. */
export function withinSql(params: Placeholders, column: string, range: InstantRange): string {
  return `(${column} >= ${params.add(utcTimestamp(range.start), 'timestamp')} AND ${column} < ${params.add(utcTimestamp(range.end), 'timestamp')})`;
}

/** A condition on the `started_at` index: started within `range`. */
export function startedWithinSql(params: Placeholders, range: InstantRange): string {
  return withinSql(params, 'started_at', range);
}

export function activeRowsSql(): string {
  return `SELECT ${SHOWN_SESSION_COLUMNS}
            FROM delegator_sessions
           WHERE status = 'active'
           ORDER BY started_at DESC
           LIMIT ${ACTIVE_LIMIT}`;
}

export function historyRowsSql(params: Placeholders, day: InstantRange): string {
  return `SELECT ${SHOWN_SESSION_COLUMNS}
            FROM delegator_sessions
           WHERE ${startedWithinSql(params, day)}
           ORDER BY started_at DESC
           LIMIT ${HISTORY_LIMIT}`;
}

/**
 * One row of figures for the sessions started in `span`. Categories and
 * statuses are grouped in their own CTEs: PostgreSQL rejects an aggregate
 * nested inside json_object_agg.
 */
export function statsTotalsSql(params: Placeholders, span: InstantRange): string {
  return `WITH spanned AS (
            SELECT task_category, coalesce(status, 'unknown') AS status, total_agents_spawned, started_at, ended_at,
                   ${READABLE_ROW_SQL} AS readable
              FROM delegator_sessions
             WHERE ${startedWithinSql(params, span)}
          ),
          picked AS (SELECT * FROM spanned WHERE readable),
          categories AS (SELECT task_category AS name, count(*) AS n FROM picked GROUP BY task_category),
          statuses AS (SELECT status AS name, count(*) AS n FROM picked GROUP BY status),
          ended AS (SELECT extract(epoch FROM ended_at - started_at) AS seconds FROM picked WHERE ended_at IS NOT NULL)
        SELECT (SELECT count(*) FROM picked) AS total_sessions,
               (SELECT count(*) FROM spanned WHERE readable IS NOT TRUE) AS unreadable_sessions,
               (SELECT avg(total_agents_spawned)::float8 FROM picked) AS avg_agents,
               (SELECT sum(total_agents_spawned) FROM picked) AS total_agents,
               (SELECT count(*) FROM ended) AS ended_sessions,
               (SELECT avg(seconds)::float8 FROM ended) AS avg_duration_seconds,
               (SELECT json_object_agg(name, n) FROM categories) AS category_breakdown,
               (SELECT json_object_agg(name, n) FROM statuses) AS status_breakdown`;
}

/**
 * The rows a count reads: a table, the timestamp column the ranges bound (an indexed one), and what else a row must
 * meet.
 */
export interface CountedRows {
  readonly table: string;
  readonly column: string;
  readonly where: string;
}

const SESSIONS_COUNTED: CountedRows = { table: 'delegator_sessions', column: 'started_at', where: READABLE_ROW_SQL };

/**
 * How many sessions started in each range. The sessions are first bounded by
 * the whole span, so the planner reads one index range rather than joining
 * every bucket against the whole table.
 */
export function countsSql(params: Placeholders, ranges: readonly InstantRange[]): string {
  return countsWithinSql(params, ranges, SESSIONS_COUNTED);
}

/** How many of `rows` fall in each range, read as `countsSql` reads the sessions. */
export function countsWithinSql(params: Placeholders, ranges: readonly InstantRange[], rows: CountedRows): string {
  const buckets = params.add(
    ranges.map((_, index) => index),
    'int[]',
  );
  const lows = params.add(
    ranges.map((range) => utcTimestamp(range.start)),
    'timestamp[]',
  );
  const highs = params.add(
    ranges.map((range) => utcTimestamp(range.end)),
    'timestamp[]',
  );
  return `SELECT b.bucket, count(s.at) AS count
            FROM unnest(${buckets}, ${lows}, ${highs}) AS b(bucket, low, high)
            LEFT JOIN (SELECT ${rows.column} AS at FROM ${rows.table} WHERE ${withinSql(params, rows.column, spanOf(ranges))} AND ${rows.where}) AS s
              ON s.at >= b.low AND s.at < b.high
           GROUP BY b.bucket`;
}
