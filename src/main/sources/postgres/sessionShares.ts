import { z } from 'zod';
import type { HourlyCount, LocalDate, SessionStats } from '../../../shared/model';
import type { InstantRange } from '../../core/localTime';
import { readSessionRow, READABLE_ROW_SQL, type SessionRowResult } from './sessionRow';
import { HISTORY_LIMIT } from './sessionSql';
import { describeIssues } from '../../../shared/zodIssues';

/**
 * A day's figures as sums that add up: the figures of some rows plus the
 * figures of the others are the figures of all of them. A picture is then the
 * settled rows' share (read in SQL, kept) plus the running rows' share
 * (counted here from the rows read), and a running row that ends moves from
 * one share to the other without the day being read again. Every rule here
 * says in TypeScript what statsTotalsSql and countsSql say in SQL.
 */

export type StatsTotals = Omit<SessionStats, 'from' | 'to' | 'sessionsPerDay'>;

/** The columns a row's share needs beside the ones it shows: its identity and whether the figures count it. */
export const SHARE_COLUMNS = `id::text AS row_id, ${READABLE_ROW_SQL} AS readable`;

// A float8 epoch through JSON: a number, or PostgreSQL's infinity as a string.
const instantSchema = z
  .union([z.number(), z.enum(['Infinity', '-Infinity'])])
  .transform((value) => (typeof value === 'number' ? value : value === 'Infinity' ? Infinity : -Infinity));

const factsSchema = z.object({
  row_id: z.string().min(1),
  readable: z.boolean().nullable(),
  started_at_ms: instantSchema,
  ended_at_ms: instantSchema.nullable(),
  task_category: z.string().nullable(),
  status: z.string().nullable(),
  total_agents_spawned: z.number().nullable(),
});

/** One row as a share counts it, and as the lists show it (or why they cannot). */
export interface ShareRow {
  readonly id: string;
  readonly startedAtMs: number;
  readonly facts: z.infer<typeof factsSchema>;
  readonly shown: SessionRowResult;
}

/**
 * Rows selected with SHOWN_SESSION_COLUMNS and SHARE_COLUMNS. The share columns are computed in SQL from ECHO's
 * column types, so a row they do not fit means the table is not ECHO's: an error, as any statement over it would be.
 */
export function readShareRows(rows: readonly unknown[]): ShareRow[] {
  return rows.map((row) => {
    const parsed = factsSchema.safeParse(row);
    if (!parsed.success) {
      throw new Error(`delegator_sessions does not have ECHO's column types: ${describeIssues(parsed.error)}`);
    }
    const facts = parsed.data;
    return { id: facts.row_id, startedAtMs: facts.started_at_ms, facts, shown: readSessionRow(row) };
  });
}

export interface StatsParts {
  readonly total: number;
  readonly unreadable: number;
  /** Readable rows with a spawned-agents figure, and its sum: the average's parts. */
  readonly agentsCounted: number;
  readonly agentsSum: number;
  readonly ended: number;
  readonly durationSeconds: number;
  readonly categories: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
}

/** What the time windows of one poll are, as UTC instants. */
export interface DayWindow {
  readonly historyDate: LocalDate;
  readonly day: InstantRange;
  readonly today: InstantRange;
  readonly hours: readonly InstantRange[];
}

/** A set of rows' part of one picture. */
export interface DayShare {
  readonly stats: StatsParts;
  /** Readable rows started today. */
  readonly today: number;
  /** Readable rows started in each hour of the window. */
  readonly timeline: readonly number[];
  /** The day's rows, readable or not, newest first, at most HISTORY_LIMIT. */
  readonly history: readonly ShareRow[];
}

const within = (instant: number, range: InstantRange): boolean => instant >= range.start && instant < range.end;

function addCounts(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [name, count] of Object.entries(b)) sum[name] = (sum[name] ?? 0) + count;
  return sum;
}

function addStats(a: StatsParts, b: StatsParts): StatsParts {
  return {
    total: a.total + b.total,
    unreadable: a.unreadable + b.unreadable,
    agentsCounted: a.agentsCounted + b.agentsCounted,
    agentsSum: a.agentsSum + b.agentsSum,
    ended: a.ended + b.ended,
    durationSeconds: a.durationSeconds + b.durationSeconds,
    categories: addCounts(a.categories, b.categories),
    statuses: addCounts(a.statuses, b.statuses),
  };
}

/** NEWEST_FIRST (sessionSql.ts): at one start, the greater id first, as `id DESC` orders uuids (byte order, which hex text keeps). */
function newerFirst(a: ShareRow, b: ShareRow): number {
  if (a.startedAtMs !== b.startedAtMs) return b.startedAtMs - a.startedAtMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The newest HISTORY_LIMIT of both: the newest of a union are among the newest of each part. */
function newestOf(a: readonly ShareRow[], b: readonly ShareRow[]): ShareRow[] {
  return [...a, ...b].sort(newerFirst).slice(0, HISTORY_LIMIT);
}

export function addShares(a: DayShare, b: DayShare): DayShare {
  return {
    stats: addStats(a.stats, b.stats),
    today: a.today + b.today,
    timeline: a.timeline.map((count, index) => count + (b.timeline[index] ?? 0)),
    history: newestOf(a.history, b.history),
  };
}

function statsOfRow(row: ShareRow): StatsParts {
  const { facts } = row;
  if (facts.readable !== true) {
    return { ...EMPTY_STATS, unreadable: 1 };
  }
  const agents = facts.total_agents_spawned;
  const ended = facts.ended_at_ms !== null;
  return {
    ...EMPTY_STATS,
    total: 1,
    agentsCounted: agents === null ? 0 : 1,
    agentsSum: agents ?? 0,
    ended: ended ? 1 : 0,
    durationSeconds: facts.ended_at_ms === null ? 0 : (facts.ended_at_ms - facts.started_at_ms) / 1000,
    // A readable row has a category (READABLE_ROW_SQL); statsTotalsSql groups a missing status as 'unknown'.
    categories: { [facts.task_category ?? '']: 1 },
    statuses: { [facts.status ?? 'unknown']: 1 },
  };
}

const EMPTY_STATS: StatsParts = {
  total: 0,
  unreadable: 0,
  agentsCounted: 0,
  agentsSum: 0,
  ended: 0,
  durationSeconds: 0,
  categories: {},
  statuses: {},
};

function emptyShare(window: DayWindow): DayShare {
  return { stats: EMPTY_STATS, today: 0, timeline: window.hours.map(() => 0), history: [] };
}

/** The share of a few rows read whole (the running ones, or those that just ended), counted as the SQL counts. */
export function shareOf(rows: readonly ShareRow[], window: DayWindow): DayShare {
  let share = emptyShare(window);
  for (const row of rows) {
    const readable = row.facts.readable === true;
    const inDay = within(row.startedAtMs, window.day);
    share = addShares(share, {
      stats: inDay ? statsOfRow(row) : EMPTY_STATS,
      today: readable && within(row.startedAtMs, window.today) ? 1 : 0,
      timeline: window.hours.map((hour) => (readable && within(row.startedAtMs, hour) ? 1 : 0)),
      history: inDay ? [row] : [],
    });
  }
  return share;
}

export function totalsOf(parts: StatsParts): StatsTotals {
  return {
    totalSessions: parts.total,
    unreadableSessions: parts.unreadable,
    avgAgentsPerSession:
      parts.agentsCounted === 0 ? 0 : Math.round((parts.agentsSum / parts.agentsCounted) * 100) / 100,
    totalAgentsSpawned: parts.agentsSum,
    categoryBreakdown: { ...parts.categories },
    statusBreakdown: { ...parts.statuses },
    avgDurationSeconds: parts.ended === 0 ? null : Math.round(parts.durationSeconds / parts.ended),
    endedSessions: parts.ended,
  };
}

/** The figures of a single day: its count is its total, so no per-day query is needed. */
export function singleDayStats(date: LocalDate, totals: StatsTotals): SessionStats {
  return { from: date, to: date, ...totals, sessionsPerDay: [{ date, count: totals.totalSessions }] };
}

export function timelineOf(buckets: readonly InstantRange[], counts: readonly number[]): HourlyCount[] {
  return buckets.map((bucket, index) => ({
    hourStart: new Date(bucket.start).toISOString(),
    count: counts[index] ?? 0,
  }));
}
