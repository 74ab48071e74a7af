import { z } from 'zod';
import { describeIssues } from '../../../shared/zodIssues';
import type { HeartbeatData, HeartbeatRecord } from '../../core/readings';
import type { Screened } from '../screening';
import type { SqlClient } from './sqlClient';

/** ECHO runs a few dozen agents at most; more rows than this are not its own. */
const ROW_LIMIT = 200;

// Timestamps as UTC epoch milliseconds, read in SQL, as for the sessions: no driver guesses a zone.
// ECHO's agents put their version in the metadata (`HeartbeatWorker`'s `%{version: ...}`), not the column.
const HEARTBEATS_SQL = `
  SELECT role, status, (extract(epoch FROM last_heartbeat) * 1000)::float8 AS last_heartbeat_ms,
         coalesce(version, CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata->>'version' END) AS version,
         CASE WHEN jsonb_typeof(metadata) = 'object' THEN metadata->>'node' END AS node
    FROM agent_status ORDER BY role LIMIT ${String(ROW_LIMIT)}`;

const heartbeatRowSchema = z.object({
  role: z.string().min(1, 'role is empty'),
  status: z.string().min(1, 'status is empty'),
  last_heartbeat_ms: z.number().refine(Number.isFinite, 'last_heartbeat is not a finite timestamp'),
  version: z.string().nullable(),
  node: z.string().nullable(),
});

/** PostgreSQL's SQLSTATE for a table that does not exist. */
const UNDEFINED_TABLE = '42P01';

const sqlState = (error: unknown): string | null =>
  error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : null;

export const isUndefinedTable = (error: unknown): boolean => sqlState(error) === UNDEFINED_TABLE;

/** Columns another statement can carry, so a poll reads the heartbeats in the round trip it makes anyway. */
export const HEARTBEAT_COLUMNS = {
  /** Always valid SQL, whether or not the table exists. */
  present: "to_regclass('agent_status') IS NOT NULL",
  /** Only where the table exists: a statement naming a missing table fails as a whole. */
  rows: `(SELECT coalesce(json_agg(h), '[]') FROM (${HEARTBEATS_SQL}) AS h)`,
} as const;

/** The rows as read, each checked; what cannot be read is left out with its reason. */
export function screenHeartbeats(rows: readonly unknown[]): Screened<HeartbeatData> {
  const read: HeartbeatRecord[] = [];
  const dropped: string[] = [];
  for (const row of rows) {
    const parsed = heartbeatRowSchema.safeParse(row);
    if (!parsed.success) {
      const role = typeof row === 'object' && row !== null && 'role' in row ? String(row.role) : '?';
      dropped.push(`agent_status ${role}: ${describeIssues(parsed.error)}`);
      continue;
    }
    const { role, status, last_heartbeat_ms: lastHeartbeatAt, version, node } = parsed.data;
    read.push({ role, status, lastHeartbeatAt, version, node });
  }
  return { value: { present: true, rows: read }, dropped };
}

/**
 * ECHO's `agent_status`: each running agent upserts its row every 5 s. An
 * older ECHO has no such table; then heartbeats are simply not present. A row
 * that cannot be read is left out with its reason.
 */
export class HeartbeatStore {
  constructor(private readonly sql: SqlClient) {}

  async read(): Promise<Screened<HeartbeatData>> {
    let rows: unknown[];
    try {
      ({ rows } = await this.sql.query(HEARTBEATS_SQL));
    } catch (error) {
      const state = sqlState(error);
      if (state === UNDEFINED_TABLE) return { value: { present: false, rows: [] }, dropped: [] };
      // Another error of the statement (a column changed, no permission): the table is there but cannot be read.
      if (state?.startsWith('42'))
        return { value: { present: false, rows: [] }, dropped: [`agent_status: ${(error as Error).message}`] };
      throw error;
    }
    return screenHeartbeats(rows);
  }
}
