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

/**
 * The order of every list: newest first, and at one start (whole seconds) the greater id first, so that a list is one
 * order however it was planned, and a list made of parts can be merged into the same one.
 */
export const NEWEST_FIRST = 'started_at DESC, id DESC';

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
           ORDER BY ${NEWEST_FIRST}
           LIMIT ${ACTIVE_LIMIT}`;
}

export function historyRowsSql(params: Placeholders, day: InstantRange): string {
  return `SELECT ${SHOWN_SESSION_COLUMNS}
            FROM delegator_sessions
           WHERE ${startedWithinSql(params, day)}
           ORDER BY ${NEWEST_FIRST}
           LIMIT ${HISTORY_LIMIT}`;
}

/**
 * One row of figures for the sessions started in `span` (of those that meet `only`), in one pass over the span's rows
 * and one grouping each for categories and statuses (PostgreSQL rejects an aggregate nested inside json_object_agg).
 * The averages come with their parts (how many, and their sum), which add up across sets of rows.
 */
export function statsTotalsSql(params: Placeholders, span: InstantRange, only = 'TRUE'): string {
  const ended = 'readable AND ended_at IS NOT NULL';
  return `WITH spanned AS (
            SELECT task_category, coalesce(status, 'unknown') AS status, total_agents_spawned,
                   extract(epoch FROM ended_at - started_at) AS seconds, ended_at, ${READABLE_ROW_SQL} AS readable
              FROM delegator_sessions
             WHERE ${startedWithinSql(params, span)} AND ${only}
          )
        SELECT count(*) FILTER (WHERE readable) AS total_sessions,
               count(*) FILTER (WHERE readable IS NOT TRUE) AS unreadable_sessions,
               (avg(total_agents_spawned) FILTER (WHERE readable))::float8 AS avg_agents,
               count(total_agents_spawned) FILTER (WHERE readable) AS agents_counted,
               sum(total_agents_spawned) FILTER (WHERE readable) AS total_agents,
               count(*) FILTER (WHERE ${ended}) AS ended_sessions,
               (avg(seconds) FILTER (WHERE ${ended}))::float8 AS avg_duration_seconds,
               sum(seconds) FILTER (WHERE ${ended}) AS duration_seconds,
               (SELECT json_object_agg(name, n) FROM (
                  SELECT task_category AS name, count(*) AS n FROM spanned WHERE readable GROUP BY task_category) AS c
               ) AS category_breakdown,
               (SELECT json_object_agg(name, n) FROM (
                  SELECT status AS name, count(*) AS n FROM spanned WHERE readable GROUP BY status) AS s
               ) AS status_breakdown
          FROM spanned`;
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

/** Whether each range ends where the next starts: hours, or days, one after another. */
function backToBack(ranges: readonly InstantRange[]): boolean {
  return ranges.every((range, index) => index === 0 || ranges[index - 1]?.end === range.start);
}

/**
 * How many of `rows` fall in each range, read as `countsSql` reads the sessions: one pass over the span's rows, each
 * placed by a binary search of the ranges' starts (`width_bucket`) where the ranges follow one another, rather than
 * each row tested against every range. Ranges with no rows are missing from the answer.
 */
export function countsWithinSql(params: Placeholders, ranges: readonly InstantRange[], rows: CountedRows): string {
  if (backToBack(ranges)) {
    const lows = params.add(
      ranges.map((range) => utcTimestamp(range.start)),
      'timestamp[]',
    );
    return `SELECT width_bucket(${rows.column}, ${lows}) - 1 AS bucket, count(*) AS count
              FROM ${rows.table}
             WHERE ${withinSql(params, rows.column, spanOf(ranges))} AND ${rows.where}
             GROUP BY 1`;
  }
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
