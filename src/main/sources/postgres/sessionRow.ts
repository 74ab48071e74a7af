import { z } from 'zod';
import type { SessionRecord } from '../../../shared/model';
import { type Screened } from '../screening';
import { describeIssues } from '../../../shared/zodIssues';
import { markCut, TEXT_LIMITS } from '../../../shared/clipText';

/** The columns every session query selects, with timestamps as UTC epoch milliseconds. */
export const SESSION_COLUMNS = `
  session_id,
  task_category,
  task_description,
  active_agents,
  (extract(epoch FROM started_at) * 1000)::float8 AS started_at_ms,
  (extract(epoch FROM ended_at) * 1000)::float8 AS ended_at_ms,
  total_agents_spawned,
  tasks_delegated,
  status`;

/**
 * The columns as a snapshot shows them: a description cut where it is read
 * (with its length, to say it was cut), so a huge one never crosses the wire
 * on every poll. Exports read SESSION_COLUMNS: what the row holds.
 */
export const SHOWN_SESSION_COLUMNS = SESSION_COLUMNS.replace(
  'task_description,',
  `left(task_description, ${String(TEXT_LIMITS.description)}) AS task_description, length(task_description) AS task_description_length,`,
);

/** A `timestamp without time zone` literal holding UTC, which is how ECHO stores instants. */
export function utcTimestamp(instant: number): string {
  return new Date(instant).toISOString().slice(0, -1);
}

// ECHO stores UTC in `timestamp without time zone`. Reading the epoch in SQL
// sidesteps drivers that would take those values as local time.
// Bounded to four-digit years, which every consumer of an ISO 8601 string can read.
// PostgreSQL's 'infinity' arrives as Infinity, or as the string "Infinity" through
// JSON; either is just a timestamp out of range.
function finiteOrExtreme(value: unknown): unknown {
  if (value === Infinity || value === 'Infinity') return Number.MAX_VALUE;
  if (value === -Infinity || value === '-Infinity') return -Number.MAX_VALUE;
  return value;
}
/** A UTC instant as epoch ms, bounded to four-digit years; 'infinity' is out of range. */
export const epochMs = z.preprocess(
  finiteOrExtreme,
  z
    .number()
    .min(Date.parse('0001-01-01T00:00:00Z'), 'timestamp out of range')
    .max(Date.parse('9999-12-31T23:59:59Z'), 'timestamp out of range'),
);
const count = z.number().int().nonnegative();

const sessionRowSchema = z
  .object({
    session_id: z.string().min(1),
    task_category: z.string().min(1),
    task_description: z.string().nullable(),
    /** Present where the description was cut in SQL: its whole length. */
    task_description_length: z.coerce.number().int().nonnegative().nullable().optional(),
    active_agents: z.array(z.string().nullable()).nullable(),
    started_at_ms: epochMs,
    ended_at_ms: epochMs.nullable(),
    total_agents_spawned: count.nullable(),
    tasks_delegated: count.nullable(),
    status: z.string().nullable(),
  })
  .refine((row) => row.ended_at_ms === null || row.ended_at_ms >= row.started_at_ms, {
    message: 'ended before it started',
    path: ['ended_at'],
  });

/**
 * The rows the schema above accepts, said in SQL, so that counting in the
 * database agrees with the rows a list can show. Keep the two together.
 */
export const READABLE_ROW_SQL = `(coalesce(session_id, '') <> '' AND coalesce(task_category, '') <> ''
    AND started_at >= '0001-01-01' AND started_at <= '9999-12-31 23:59:59'
    AND (ended_at IS NULL OR (ended_at >= started_at AND ended_at <= '9999-12-31 23:59:59'))
    AND coalesce(total_agents_spawned, 0) >= 0 AND coalesce(tasks_delegated, 0) >= 0)`;

export type SessionRowResult = { ok: true; session: SessionRecord } | { ok: false; reason: string };

function describeRow(row: unknown): string {
  if (typeof row === 'object' && row !== null && 'session_id' in row && typeof row.session_id === 'string') {
    return `session ${row.session_id}`;
  }
  return 'a session row';
}

/** Marked as cut where SQL cut it; whole where the query asked for all of it (an export). */
function shownDescription(text: string | null, fullLength: number | null | undefined): string | null {
  return text !== null && fullLength != null && fullLength > text.length ? markCut(text, fullLength) : text;
}

export function readSessionRow(row: unknown): SessionRowResult {
  const parsed = sessionRowSchema.safeParse(row);
  if (!parsed.success) {
    return { ok: false, reason: `${describeRow(row)}: ${describeIssues(parsed.error)}` };
  }
  const data = parsed.data;
  return {
    ok: true,
    session: {
      sessionId: data.session_id,
      category: data.task_category,
      description: shownDescription(data.task_description, data.task_description_length),
      agents: (data.active_agents ?? []).filter((role): role is string => role !== null && role.length > 0),
      startedAt: new Date(data.started_at_ms).toISOString(),
      endedAt: data.ended_at_ms === null ? null : new Date(data.ended_at_ms).toISOString(),
      totalAgentsSpawned: data.total_agents_spawned,
      tasksDelegated: data.tasks_delegated,
      status: data.status,
    },
  };
}

/** Every readable row as a session, and one reason per row left out. */
export function readSessionRows(rows: readonly unknown[]): Screened<SessionRecord[]> {
  const sessions: SessionRecord[] = [];
  const dropped: string[] = [];
  for (const row of rows) {
    const result = readSessionRow(row);
    if (result.ok) sessions.push(result.session);
    else dropped.push(result.reason);
  }
  return { value: sessions, dropped };
}
