import { utc } from '../simulator/delegatorWriter';
import { MESSAGE_BACKFILL_DAYS } from '../simulator/messagePlan';
import type { SqlClient } from '../sources/postgres/sqlClient';

const DAY_MS = 86_400_000;

/**
 * What a demo does to its kept database as it starts, so each run begins
 * where a clean stop would have left it. A run that was killed leaves its
 * session open, its agents' rows `running`, and its decisions, workflows and
 * flows under way with nobody to finish them: the restarting delegator and
 * engines close them (ECHO's would leave them so forever; the demo would
 * show them piling up run after run). What is older than the backfill keeps
 * is removed, so a demo used for years holds no more than a few months.
 */
export async function closeWhatALastRunLeft(sql: SqlClient, now: number): Promise<void> {
  const at = utc(now);
  await sql.query(`UPDATE delegator_sessions SET status = 'error', ended_at = $1::timestamp WHERE status = 'active'`, [
    at,
  ]);
  await sql.query(`UPDATE agent_status SET status = 'stopped' WHERE status = 'running'`);
  await sql.query(
    `UPDATE decisions SET status = 'rejected', completed_at = $1::timestamp, updated_at = $1::timestamp,
            outcome = coalesce(outcome, '{}'::jsonb) || '{"closed_by": "demo restart"}'::jsonb
      WHERE status IN ('pending', 'escalated')`,
    [at],
  );
  await sql.query(
    `UPDATE workflow_executions SET status = 'failed', error = ':shutdown', completed_at = $1::timestamp, updated_at = $1::timestamp
      WHERE status IN ('pending', 'running', 'paused')`,
    [at],
  );
  await sql.query(
    `UPDATE flow_executions SET status = 'failed', error = 'Flow interrupted: the demo stopped', completed_at = $1::timestamp,
            updated_at = $1::timestamp, version = version + 1
      WHERE status IN ('pending', 'running', 'waiting_agent', 'paused')`,
    [at],
  );
  const before = utc(now - (MESSAGE_BACKFILL_DAYS + 1) * DAY_MS);
  await sql.query('DELETE FROM messages WHERE inserted_at < $1::timestamp', [before]);
  await sql.query('DELETE FROM decisions WHERE inserted_at < $1::timestamp', [before]);
  await sql.query('DELETE FROM workflow_executions WHERE inserted_at < $1::timestamp', [before]);
  await sql.query('DELETE FROM flow_executions WHERE inserted_at < $1::timestamp', [before]);
}
