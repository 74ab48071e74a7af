import { readFileSync } from 'node:fs';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';

/**
 * ECHO's Ecto migrations at `github:Pranavj17/echo` 1537b49, in the order
 * Ecto runs them, each with our transcription in test/fixtures/echo/.
 */
const MIGRATIONS = [
  ['20251102211000', 'create_base_tables'],
  ['20251102211500', 'create_workflow_executions'],
  ['20251102211800', 'add_message_acknowledgement_fields'],
  ['20251110105523', 'create_flow_executions'],
  ['20251110184809', 'add_version_to_flow_executions'],
  ['20251111064936', 'create_llm_sessions'],
  ['20251111190002', 'create_delegator_sessions'],
] as const;

export type EchoMigration = (typeof MIGRATIONS)[number][0];

/** ECHO's migration versions, oldest first. */
export const ECHO_MIGRATIONS: readonly EchoMigration[] = MIGRATIONS.map(([version]) => version);

/** The SQL that ECHO's migration of that version runs on PostgreSQL, ending with its row in `schema_migrations`. */
export function echoMigrationSql(version: EchoMigration): string {
  const name = MIGRATIONS.find(([each]) => each === version)?.[1];
  if (name === undefined) throw new Error(`no ECHO migration ${version}`);
  return readFileSync(new URL(`../fixtures/echo/${version}_${name}.sql`, import.meta.url), 'utf8');
}

async function appliedVersions(sql: SqlClient): Promise<Set<string>> {
  const { rows } = await sql.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AS present`);
  if ((rows[0] as { present?: unknown } | undefined)?.present !== true) return new Set();
  const applied = await sql.query('SELECT version::text AS version FROM schema_migrations');
  return new Set(applied.rows.map((row) => String((row as { version: unknown }).version)));
}

/**
 * Runs ECHO's migrations as `mix ecto.migrate` would: in order, those not yet
 * in `schema_migrations`, up to and including `upTo` (all by default). Each
 * file goes as one multi-statement query, which PostgreSQL runs as one
 * transaction, so a failing migration leaves nothing behind; that needs a
 * node-postgres client or pool (PGlite's `query` takes one statement).
 * Returns the versions it ran.
 */
export async function applyEchoMigrations(
  sql: SqlClient,
  options: { upTo?: EchoMigration } = {},
): Promise<EchoMigration[]> {
  const { upTo } = options;
  if (upTo !== undefined && !ECHO_MIGRATIONS.includes(upTo)) throw new Error(`no ECHO migration ${upTo}`);
  const applied = await appliedVersions(sql);
  const ran: EchoMigration[] = [];
  for (const version of ECHO_MIGRATIONS) {
    if (upTo !== undefined && version > upTo) break;
    if (applied.has(version)) continue;
    await sql.query(echoMigrationSql(version));
    ran.push(version);
  }
  return ran;
}
