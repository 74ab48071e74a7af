import { z } from 'zod';
import type { DailyCount, HourlyCount, LocalDate, SessionRecord, SessionStats } from '../../../shared/model';
import type { DayPicture } from '../../core/readings';
import {
  datesBetween,
  localDateSpan,
  localDayRange,
  recentHourBuckets,
  zoneOf,
  type InstantRange,
  type TimeZoneSource,
} from '../../core/localTime';
import { Placeholders } from './placeholders';
import type { Screened } from '../screening';
import { readSessionRows, READABLE_ROW_SQL, utcTimestamp } from './sessionRow';
import { activeRowsSql, countsSql, historyRowsSql, startedWithinSql, statsTotalsSql } from './sessionSql';
import { queryPlanned, type SqlClient } from './sqlClient';
import { readDayParts, readRunningChange, type DayParts, type RunningChange } from './dayParts';
import { singleDayStats, timelineOf, type DayWindow, type StatsTotals } from './sessionShares';

const TIMELINE_HOURS = 24;

/** What one poll shows of PostgreSQL: the running sessions, a chosen day, today, and the last 24 hours. */
export interface DayRequest {
  readonly now: number;
  readonly today: LocalDate;
  readonly historyDate: LocalDate;
}

/**
 * What moved, in the change token's parts: the hour (the timeline's last bucket), the newest start (a session
 * started), and the running sessions (how many, and their row versions).
 */
export interface ChangeToken {
  readonly hour: number;
  readonly newest: string;
  readonly active: string;
}

export interface ActiveSessions {
  readonly sessions: SessionRecord[];
  /** Every active row, including any beyond the listing limit. */
  readonly total: number;
}

const countRowSchema = z.object({ bucket: z.coerce.number().int(), count: z.coerce.number().int().nonnegative() });
const countRowsSchema = z.array(countRowSchema);

const breakdownSchema = z.record(z.string(), z.coerce.number().int().nonnegative()).nullable();

const statsRowSchema = z.object({
  total_sessions: z.coerce.number().int().nonnegative(),
  unreadable_sessions: z.coerce.number().int().nonnegative(),
  avg_agents: z.coerce.number().nonnegative().nullable(),
  total_agents: z.coerce.number().int().nonnegative().nullable(),
  ended_sessions: z.coerce.number().int().nonnegative(),
  avg_duration_seconds: z.coerce.number().nonnegative().nullable(),
  category_breakdown: breakdownSchema,
  status_breakdown: breakdownSchema,
});

const dayPictureRowSchema = z.object({
  active: z.array(z.unknown()),
  active_total: z.coerce.number().int().nonnegative(),
  history: z.array(z.unknown()),
  day_stats: statsRowSchema,
  today_count: z.coerce.number().int().nonnegative().nullable(),
  timeline: countRowsSchema,
  newest_start: z.coerce.number().nullable(),
});

const changeTokenRowSchema = z.object({
  newest_start: z.string().nullable(),
  active_count: z.coerce.number().int(),
  active_versions: z.coerce.string(),
});

function toStatsTotals(row: z.infer<typeof statsRowSchema>): StatsTotals {
  return {
    totalSessions: row.total_sessions,
    unreadableSessions: row.unreadable_sessions,
    avgAgentsPerSession: Math.round((row.avg_agents ?? 0) * 100) / 100,
    totalAgentsSpawned: row.total_agents ?? 0,
    categoryBreakdown: row.category_breakdown ?? {},
    statusBreakdown: row.status_breakdown ?? {},
    avgDurationSeconds: row.avg_duration_seconds === null ? null : Math.round(row.avg_duration_seconds),
    endedSessions: row.ended_sessions,
  };
}

function countsByBucket(rows: readonly z.infer<typeof countRowSchema>[], size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const { bucket, count } of rows) counts[bucket] = count;
  return counts;
}

/**
 * Reads ECHO's `delegator_sessions` as it is. Local days are turned into UTC
 * instants here, so every query compares plain timestamps and uses the index
 * on `started_at`, and no query depends on the database's time zone settings.
 */
export class SessionStore {
  /** The zone is read at each question: a travelling laptop's "today" moves with it. */
  private readonly timeZone: () => string;

  constructor(
    private readonly sql: SqlClient,
    zone: TimeZoneSource,
  ) {
    this.timeZone = () => zoneOf(zone);
  }

  /**
   * Everything one poll shows, in one statement: a single round trip, and one
   * pooled connection rather than four. A single look reads this; a running
   * monitor keeps the same picture in parts (dayParts.ts), which must equal it.
   */
  async dayPicture(request: DayRequest): Promise<Screened<DayPicture>> {
    const { historyDate, today } = request;
    const hours = recentHourBuckets(request.now, this.timeZone(), TIMELINE_HOURS);
    const day = localDayRange(historyDate, this.timeZone());
    const params = new Placeholders();
    // Another day on screen still needs today's count, and only that.
    const todayCount =
      historyDate === today
        ? 'NULL'
        : `(SELECT count(*) FROM delegator_sessions WHERE ${startedWithinSql(params, localDayRange(today, this.timeZone()))} AND ${READABLE_ROW_SQL})`;
    const { rows } = await this.sql.query(
      `SELECT (SELECT coalesce(json_agg(a), '[]') FROM (${activeRowsSql()}) AS a) AS active,
              (SELECT count(*) FROM delegator_sessions WHERE status = 'active') AS active_total,
              (SELECT coalesce(json_agg(h), '[]') FROM (${historyRowsSql(params, day)}) AS h) AS history,
              (SELECT row_to_json(t) FROM (${statsTotalsSql(params, day)}) AS t) AS day_stats,
              ${todayCount} AS today_count,
              (SELECT coalesce(json_agg(c), '[]') FROM (${countsSql(params, hours)}) AS c) AS timeline,
              (SELECT extract(epoch FROM max(started_at)) * 1000 FROM delegator_sessions
                WHERE started_at < ${params.add(utcTimestamp(request.now + 86_400_000), 'timestamp')}) AS newest_start`,
      params.values,
    );
    const row = dayPictureRowSchema.parse(rows[0]);
    const active = readSessionRows(row.active);
    const history = readSessionRows(row.history);
    const stats = singleDayStats(historyDate, toStatsTotals(row.day_stats));
    return {
      value: {
        historyDate,
        activeSessions: active.value,
        activeTotal: row.active_total - active.dropped.length,
        history: history.value,
        stats,
        sessionsToday: row.today_count ?? stats.totalSessions,
        timeline: timelineOf(hours, countsByBucket(row.timeline, hours.length)),
        newestSessionAt: row.newest_start,
      },
      // A bad row can be both active and in the day's history; it is one problem, not two.
      dropped: [...new Set([...active.dropped, ...history.dropped])],
    };
  }

  /**
   * A value that changes when what {@link dayPicture} shows can have changed,
   * read from two indexes and the few running rows: the newest `started_at`
   * (a new session), and how many sessions are active with the sum of their
   * row versions (`xmin`, which every insert and update renews: a session
   * starting, gaining an agent, or ending). Its cost does not grow with the
   * table or with the day. What it cannot see (a finished row edited or
   * deleted by hand, a row inserted with a start in the past) the reader
   * bounds by reading the whole picture again every minute regardless.
   * ECHO's `updated_at` would not do: it has whole seconds and is the
   * delegator's to write. The current hour is part of the token, since the
   * timeline's hours move by themselves; the day and the history date are
   * the caller's to compare. `changeTokenWith` carries other columns
   * (`name: SQL expression`) in the same statement: one round trip.
   */
  async changeToken(request: DayRequest): Promise<string> {
    return (await this.changeTokenWith(request, {})).token;
  }

  async changeTokenWith(
    request: DayRequest,
    alongside: Readonly<Record<string, string>>,
  ): Promise<{ token: string; parts: ChangeToken; alongside: Readonly<Record<string, unknown>> }> {
    const hours = recentHourBuckets(request.now, this.timeZone(), TIMELINE_HOURS);
    const params = new Placeholders();
    const extra = Object.entries(alongside)
      .map(([name, sql]) => `,\n              ${sql} AS extra_${name}`)
      .join('');
    // Bounded above, so a row dated in the far future (or 'infinity') cannot hide every new one.
    // Prepared once per connection: planning is most of what this small statement costs.
    const { rows } = await queryPlanned(
      this.sql,
      `SELECT (SELECT max(started_at)::text FROM delegator_sessions
                WHERE started_at < ${params.add(utcTimestamp(request.now + 86_400_000), 'timestamp')}) AS newest_start,
              count(*) AS active_count,
              coalesce(sum(xmin::text::bigint), 0) AS active_versions${extra}
         FROM delegator_sessions
        WHERE status = 'active'`,
      params.values,
    );
    const row = changeTokenRowSchema.parse(rows[0]);
    const first = (rows[0] ?? {}) as Record<string, unknown>;
    const parts: ChangeToken = {
      hour: hours.at(-1)?.start ?? 0,
      newest: row.newest_start ?? 'none',
      active: `${String(row.active_count)}:${row.active_versions}`,
    };
    return {
      token: [parts.hour, parts.newest, parts.active].join('/'),
      parts,
      alongside: Object.fromEntries(Object.keys(alongside).map((name) => [name, first[`extra_${name}`]])),
    };
  }

  /** The instants one poll covers: the day on screen, today, and the timeline's hours. */
  dayWindow(request: DayRequest): DayWindow {
    const zone = this.timeZone();
    return {
      historyDate: request.historyDate,
      day: localDayRange(request.historyDate, zone),
      today: localDayRange(request.today, zone),
      hours: recentHourBuckets(request.now, zone, TIMELINE_HOURS),
    };
  }

  /** The day in parts, one statement: see dayParts.ts. */
  dayParts(request: DayRequest, window = this.dayWindow(request)): Promise<DayParts> {
    return readDayParts(this.sql, window, request.now);
  }

  /** The running rows, and those of `known` (ids once running) that run no more. */
  runningChange(known: readonly string[]): Promise<RunningChange> {
    return readRunningChange(this.sql, known);
  }

  async activeSessions(): Promise<Screened<ActiveSessions>> {
    const { rows } = await this.sql.query(
      `SELECT a.*, count(*) OVER () AS total_active FROM (${activeRowsSql()}) AS a`,
    );
    const screened = readSessionRows(rows);
    const first = rows[0];
    const total =
      typeof first === 'object' && first !== null && 'total_active' in first ? Number(first.total_active) : 0;
    return { value: { sessions: screened.value, total }, dropped: screened.dropped };
  }

  /** Sessions started on one local day, newest first, at most `HISTORY_LIMIT` (sessionSql.ts). */
  async history(date: LocalDate): Promise<Screened<SessionRecord[]>> {
    const params = new Placeholders();
    const { rows } = await this.sql.query(historyRowsSql(params, localDayRange(date, this.timeZone())), params.values);
    return readSessionRows(rows);
  }

  /** Figures for sessions started from the start of `from` to the end of `to`, local days. */
  async stats(from: LocalDate, to: LocalDate): Promise<SessionStats> {
    const dates = datesBetween(from, to);
    const [totals, perDay] = await Promise.all([
      this.statsTotals(localDateSpan(from, to, this.timeZone())),
      dates.length === 1 ? null : this.countStartedIn(dates.map((date) => localDayRange(date, this.timeZone()))),
    ]);
    if (perDay === null) return singleDayStats(from, totals);
    const sessionsPerDay: DailyCount[] = dates.map((date, index) => ({ date, count: perDay[index] ?? 0 }));
    return { from, to, ...totals, sessionsPerDay };
  }

  /** Sessions started in each of the last 24 hours, oldest first. */
  async hourlyTimeline(now: number, hours = TIMELINE_HOURS): Promise<HourlyCount[]> {
    const buckets = recentHourBuckets(now, this.timeZone(), hours);
    return timelineOf(buckets, await this.countStartedIn(buckets));
  }

  private async statsTotals(span: InstantRange): Promise<StatsTotals> {
    const params = new Placeholders();
    const { rows } = await this.sql.query(statsTotalsSql(params, span), params.values);
    return toStatsTotals(statsRowSchema.parse(rows[0]));
  }

  private async countStartedIn(ranges: readonly InstantRange[]): Promise<number[]> {
    if (ranges.length === 0) return [];
    const params = new Placeholders();
    const { rows } = await this.sql.query(countsSql(params, ranges), params.values);
    return countsByBucket(countRowsSchema.parse(rows), ranges.length);
  }
}
