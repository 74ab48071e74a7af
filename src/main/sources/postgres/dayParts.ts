import { z } from 'zod';
import type { DayPicture } from '../../core/readings';
import type { Screened } from '../screening';
import { Placeholders } from './placeholders';
import { READABLE_ROW_SQL, SHOWN_SESSION_COLUMNS, utcTimestamp } from './sessionRow';
import {
  addShares,
  readShareRows,
  SHARE_COLUMNS,
  shareOf,
  singleDayStats,
  timelineOf,
  totalsOf,
  type DayShare,
  type DayWindow,
  type ShareRow,
  type StatsParts,
} from './sessionShares';
import {
  ACTIVE_LIMIT,
  countsWithinSql,
  HISTORY_LIMIT,
  NEWEST_FIRST,
  startedWithinSql,
  statsTotalsSql,
} from './sessionSql';
import { queryPlanned, type SqlClient } from './sqlClient';

/**
 * A day's picture read in parts: the settled rows' share (every row not
 * running), read in SQL, and the running rows, read whole and counted here.
 * After a running session changes, only the running rows and those that just
 * left them are read again; the day's aggregate and the timeline stand.
 */

/** Every row that is not running, NULL status included: with `status = 'active'`, every row exactly once. */
const SETTLED = `status IS DISTINCT FROM 'active'`;

const ROW_COLUMNS = `${SHOWN_SESSION_COLUMNS}, ${SHARE_COLUMNS}`;

const RUNNING_SQL = `(SELECT coalesce(json_agg(a), '[]') FROM (
            SELECT ${ROW_COLUMNS} FROM delegator_sessions WHERE status = 'active' ORDER BY ${NEWEST_FIRST} LIMIT ${ACTIVE_LIMIT}
          ) AS a) AS active,
          (SELECT count(*) FROM delegator_sessions WHERE status = 'active') AS active_total`;

/** The running rows now, and the rows once running (by id) that no longer are, as they are now: one snapshot. */
const RUNNING_CHANGE_SQL = `SELECT ${RUNNING_SQL},
          (SELECT coalesce(json_agg(l), '[]') FROM (
            SELECT ${ROW_COLUMNS} FROM delegator_sessions WHERE id = ANY($1) AND ${SETTLED}
          ) AS l) AS left_rows`;

const countSchema = z.coerce.number().int().nonnegative();

const runningSchema = z.object({ active: z.array(z.unknown()), active_total: countSchema });

const statsPartsSchema = z.object({
  total_sessions: countSchema,
  unreadable_sessions: countSchema,
  agents_counted: countSchema,
  total_agents: z.coerce.number().int().nonnegative().nullable(),
  ended_sessions: countSchema,
  duration_seconds: z.coerce.number().nonnegative().nullable(),
  category_breakdown: z.record(z.string(), countSchema).nullable(),
  status_breakdown: z.record(z.string(), countSchema).nullable(),
});

const partsSchema = runningSchema.extend({
  history: z.array(z.unknown()),
  day_stats: statsPartsSchema,
  today_count: countSchema.nullable(),
  timeline: z.array(z.object({ bucket: z.coerce.number().int(), count: countSchema })),
  newest_start: z.coerce.number().nullable(),
});

const changeSchema = runningSchema.extend({ left_rows: z.array(z.unknown()) });

/** The running rows as listed (at most ACTIVE_LIMIT), and how many there are. */
export interface RunningRows {
  readonly rows: readonly ShareRow[];
  readonly total: number;
}

/** One whole reading of a day, in parts. */
export interface DayParts {
  readonly window: DayWindow;
  readonly settled: DayShare;
  readonly running: RunningRows;
  readonly newest: number | null;
}

/** What a change among the running rows brought: the running rows now, and those that left them. */
export interface RunningChange {
  readonly running: RunningRows;
  readonly left: readonly ShareRow[];
}

function statsParts(row: z.infer<typeof statsPartsSchema>): StatsParts {
  return {
    total: row.total_sessions,
    unreadable: row.unreadable_sessions,
    agentsCounted: row.agents_counted,
    agentsSum: row.total_agents ?? 0,
    ended: row.ended_sessions,
    durationSeconds: row.duration_seconds ?? 0,
    categories: row.category_breakdown ?? {},
    statuses: row.status_breakdown ?? {},
  };
}

function runningOf(row: z.infer<typeof runningSchema>): RunningRows {
  return { rows: readShareRows(row.active), total: row.active_total };
}

/** The whole day, in one statement: the settled share in SQL, the running rows whole, the newest start. */
export async function readDayParts(sql: SqlClient, window: DayWindow, now: number): Promise<DayParts> {
  const params = new Placeholders();
  const settledRows = `${READABLE_ROW_SQL} AND ${SETTLED}`;
  const sameDay = window.today.start === window.day.start && window.today.end === window.day.end;
  const todayCount = sameDay
    ? 'NULL'
    : `(SELECT count(*) FROM delegator_sessions WHERE ${startedWithinSql(params, window.today)} AND ${settledRows})`;
  // Prepared once per connection: its text depends only on whether the day on screen is today.
  const { rows } = await queryPlanned(
    sql,
    `SELECT ${RUNNING_SQL},
            (SELECT coalesce(json_agg(h), '[]') FROM (
              SELECT ${ROW_COLUMNS} FROM delegator_sessions
               WHERE ${startedWithinSql(params, window.day)} AND ${SETTLED}
               ORDER BY ${NEWEST_FIRST} LIMIT ${HISTORY_LIMIT}) AS h) AS history,
            (SELECT row_to_json(t) FROM (${statsTotalsSql(params, window.day, SETTLED)}) AS t) AS day_stats,
            ${todayCount} AS today_count,
            (SELECT coalesce(json_agg(c), '[]') FROM (${countsWithinSql(params, window.hours, { table: 'delegator_sessions', column: 'started_at', where: settledRows })}) AS c) AS timeline,
            (SELECT extract(epoch FROM max(started_at)) * 1000 FROM delegator_sessions
              WHERE started_at < ${params.add(utcTimestamp(now + 86_400_000), 'timestamp')}) AS newest_start`,
    params.values,
  );
  const row = partsSchema.parse(rows[0]);
  const stats = statsParts(row.day_stats);
  const timeline = window.hours.map(() => 0);
  for (const { bucket, count } of row.timeline) timeline[bucket] = count;
  return {
    window,
    settled: { stats, today: row.today_count ?? stats.total, timeline, history: readShareRows(row.history) },
    running: runningOf(row),
    newest: row.newest_start,
  };
}

/** The running rows, and the rows of `known` (ids once running) that are there but running no more. */
export async function readRunningChange(sql: SqlClient, known: readonly string[]): Promise<RunningChange> {
  const { rows } = await queryPlanned(sql, RUNNING_CHANGE_SQL, [known]);
  const row = changeSchema.parse(rows[0]);
  return { running: runningOf(row), left: readShareRows(row.left_rows) };
}

function screened(rows: readonly ShareRow[]): Screened<DayPicture['history']> {
  const value: DayPicture['history'][number][] = [];
  const dropped: string[] = [];
  for (const { shown } of rows) {
    if (shown.ok) value.push(shown.session);
    else dropped.push(shown.reason);
  }
  return { value, dropped };
}

/** The settled share after `left` joined it: rows that ended since it was read. */
export function settledAfter(settled: DayShare, left: readonly ShareRow[], window: DayWindow): DayShare {
  return left.length === 0 ? settled : addShares(settled, shareOf(left, window));
}

/** The picture the parts make: what SessionStore.dayPicture reads in one statement, to the row. */
export function pictureOf(parts: DayParts): Screened<DayPicture> {
  const { window, running } = parts;
  const all = addShares(parts.settled, shareOf(running.rows, window));
  const active = screened(running.rows);
  const history = screened(all.history);
  return {
    value: {
      historyDate: window.historyDate,
      activeSessions: active.value,
      activeTotal: running.total - active.dropped.length,
      history: history.value,
      stats: singleDayStats(window.historyDate, totalsOf(all.stats)),
      sessionsToday: all.today,
      timeline: timelineOf(window.hours, all.timeline),
      newestSessionAt: parts.newest,
    },
    // A bad row can be both active and in the day's history; it is one problem, not two.
    dropped: [...new Set([...active.dropped, ...history.dropped])],
  };
}
