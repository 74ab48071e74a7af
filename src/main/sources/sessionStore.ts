import { z } from 'zod';
import type { DailyCount, HourlyCount, LocalDate, SessionRecord, SessionStats } from '../../shared/model';
import { datesBetween, localDateSpan, localDayRange, recentHourBuckets, type InstantRange } from '../core/localTime';
import type { Screened } from './screening';
import { readSessionRow, SESSION_COLUMNS } from './sessionRow';
import type { SqlClient } from './sqlClient';

export const HISTORY_LIMIT = 50;
/** More "active" rows than this means a delegator that crashed many times; the rest are counted, not listed. */
export const ACTIVE_LIMIT = 200;

export interface ActiveSessions {
  readonly sessions: SessionRecord[];
  /** Every active row, including any beyond the listing limit. */
  readonly total: number;
}

/** A `timestamp without time zone` literal holding UTC, which is how ECHO stores instants. */
function utcTimestamp(instant: number): string {
  return new Date(instant).toISOString().slice(0, -1);
}

const countRowSchema = z.object({ bucket: z.coerce.number().int(), count: z.coerce.number().int().nonnegative() });

const breakdownSchema = z.record(z.string(), z.coerce.number().int().nonnegative()).nullable();

const statsRowSchema = z.object({
  total_sessions: z.coerce.number().int().nonnegative(),
  avg_agents: z.coerce.number().nonnegative().nullable(),
  total_agents: z.coerce.number().int().nonnegative().nullable(),
  ended_sessions: z.coerce.number().int().nonnegative(),
  avg_duration_seconds: z.coerce.number().nonnegative().nullable(),
  category_breakdown: breakdownSchema,
  status_breakdown: breakdownSchema,
});

/**
 * Reads ECHO's `delegator_sessions` as it is. Local days are turned into UTC
 * instants here, so every query compares plain timestamps and uses the index
 * on `started_at`, and no query depends on the database's time zone settings.
 */
export class SessionStore {
  constructor(
    private readonly sql: SqlClient,
    private readonly timeZone: string,
  ) {}

  async activeSessions(): Promise<Screened<ActiveSessions>> {
    const { rows } = await this.sql.query(
      `SELECT ${SESSION_COLUMNS}, count(*) OVER () AS total_active
         FROM delegator_sessions
        WHERE status = 'active'
        ORDER BY started_at DESC
        LIMIT ${ACTIVE_LIMIT}`,
    );
    const screened = this.readSessions(rows);
    const first = rows[0];
    const total =
      typeof first === 'object' && first !== null && 'total_active' in first ? Number(first.total_active) : 0;
    return { value: { sessions: screened.value, total }, dropped: screened.dropped };
  }

  /** Sessions started on one local day, newest first, at most {@link HISTORY_LIMIT}. */
  async history(date: LocalDate): Promise<Screened<SessionRecord[]>> {
    const day = localDayRange(date, this.timeZone);
    const { rows } = await this.sql.query(
      `SELECT ${SESSION_COLUMNS}
         FROM delegator_sessions
        WHERE started_at >= $1::timestamp AND started_at < $2::timestamp
        ORDER BY started_at DESC
        LIMIT ${HISTORY_LIMIT}`,
      [utcTimestamp(day.start), utcTimestamp(day.end)],
    );
    return this.readSessions(rows);
  }

  /** Figures for sessions started from the start of `from` to the end of `to`, local days. */
  async stats(from: LocalDate, to: LocalDate): Promise<SessionStats> {
    const span = localDateSpan(from, to, this.timeZone);
    const dates = datesBetween(from, to);
    // One day's count is its total: the per-day query would be a round trip for nothing.
    const [totals, perDay] = await Promise.all([
      this.statsTotals(span),
      dates.length === 1 ? null : this.countStartedIn(dates.map((date) => localDayRange(date, this.timeZone))),
    ]);
    const sessionsPerDay: DailyCount[] = dates.map((date, index) => ({ date, count: perDay?.[index] ?? totals.totalSessions }));
    return { from, to, ...totals, sessionsPerDay };
  }

  /** Sessions started in each of the last 24 hours, oldest first. */
  async hourlyTimeline(now: number, hours = 24): Promise<HourlyCount[]> {
    const buckets = recentHourBuckets(now, this.timeZone, hours);
    const counts = await this.countStartedIn(buckets);
    return buckets.map((bucket, index) => ({
      hourStart: new Date(bucket.start).toISOString(),
      count: counts[index] ?? 0,
    }));
  }

  private async statsTotals(span: InstantRange): Promise<Omit<SessionStats, 'from' | 'to' | 'sessionsPerDay'>> {
    // Categories and statuses are grouped in their own CTEs: PostgreSQL rejects
    // an aggregate nested inside json_object_agg.
    const { rows } = await this.sql.query(
      `WITH picked AS (
          SELECT task_category, coalesce(status, 'unknown') AS status, total_agents_spawned, started_at, ended_at
            FROM delegator_sessions
           WHERE started_at >= $1::timestamp AND started_at < $2::timestamp
        ),
        categories AS (SELECT task_category AS name, count(*) AS n FROM picked GROUP BY task_category),
        statuses AS (SELECT status AS name, count(*) AS n FROM picked GROUP BY status),
        ended AS (SELECT extract(epoch FROM ended_at - started_at) AS seconds
                    FROM picked WHERE ended_at IS NOT NULL AND ended_at >= started_at
                      AND isfinite(started_at) AND isfinite(ended_at))
      SELECT (SELECT count(*) FROM picked) AS total_sessions,
             (SELECT avg(total_agents_spawned)::float8 FROM picked WHERE total_agents_spawned >= 0) AS avg_agents,
             (SELECT sum(total_agents_spawned) FROM picked WHERE total_agents_spawned >= 0) AS total_agents,
             (SELECT count(*) FROM ended) AS ended_sessions,
             (SELECT avg(seconds)::float8 FROM ended) AS avg_duration_seconds,
             (SELECT json_object_agg(name, n) FROM categories) AS category_breakdown,
             (SELECT json_object_agg(name, n) FROM statuses) AS status_breakdown`,
      [utcTimestamp(span.start), utcTimestamp(span.end)],
    );
    const row = statsRowSchema.parse(rows[0]);
    return {
      totalSessions: row.total_sessions,
      avgAgentsPerSession: Math.round((row.avg_agents ?? 0) * 100) / 100,
      totalAgentsSpawned: row.total_agents ?? 0,
      categoryBreakdown: row.category_breakdown ?? {},
      statusBreakdown: row.status_breakdown ?? {},
      avgDurationSeconds: row.avg_duration_seconds === null ? null : Math.round(row.avg_duration_seconds),
      endedSessions: row.ended_sessions,
    };
  }

  /**
   * How many sessions started in each range, in one query. The sessions are
   * first bounded by the whole span, so the planner reads one index range
   * rather than joining every bucket against the whole table.
   */
  private async countStartedIn(ranges: readonly InstantRange[]): Promise<number[]> {
    if (ranges.length === 0) return [];
    const span = { start: Math.min(...ranges.map((range) => range.start)), end: Math.max(...ranges.map((range) => range.end)) };
    const { rows } = await this.sql.query(
      `SELECT b.bucket, count(s.started_at) AS count
         FROM unnest($1::int[], $2::timestamp[], $3::timestamp[]) AS b(bucket, low, high)
         LEFT JOIN (SELECT started_at FROM delegator_sessions WHERE started_at >= $4::timestamp AND started_at < $5::timestamp) AS s
           ON s.started_at >= b.low AND s.started_at < b.high
        GROUP BY b.bucket`,
      [
        ranges.map((_, index) => index),
        ranges.map((range) => utcTimestamp(range.start)),
        ranges.map((range) => utcTimestamp(range.end)),
        utcTimestamp(span.start),
        utcTimestamp(span.end),
      ],
    );
    const counts = new Array<number>(ranges.length).fill(0);
    for (const row of rows) {
      const { bucket, count } = countRowSchema.parse(row);
      counts[bucket] = count;
    }
    return counts;
  }

  private readSessions(rows: readonly unknown[]): Screened<SessionRecord[]> {
    const sessions: SessionRecord[] = [];
    const dropped: string[] = [];
    for (const row of rows) {
      const result = readSessionRow(row);
      if (result.ok) sessions.push(result.session);
      else dropped.push(result.reason);
    }
    return { value: sessions, dropped };
  }
}
