import { AGENT_ITEMS_LIMIT, WORK_LIST_LIMIT } from '../../core/echoWork';
import type { InstantRange } from '../../core/localTime';
import { TEXT_LIMITS } from '../../../shared/clipText';
import type { EchoTables } from './echoWorkTables';
import type { Placeholders } from './placeholders';
import { utcTimestamp } from './sessionRow';
import { countsWithinSql, withinSql } from './sessionSql';

/**
 * The SQL of ECHO's own records. Every part reads through ECHO's own indexes
 * (its migrations' `messages (to_role, read)`, `(from_role, inserted_at)`,
 * the status indexes of decisions and executions, `llm_sessions
 * (agent_role)` and `(last_query_at)`); the failures, which no index of
 * ECHO's covers, are read over the chart's days only (see `failed` below).
 */

/** ECHO has a dozen roles; more than this are not its own, and are not listed. */
export const ROLE_LIMIT = 100;

// The statuses, as ECHO's Ecto schemas declare them (apps/echo_shared/lib/echo_shared/schemas/).
/** decision.ex: pending, approved, rejected, escalated. Approved and rejected are outcomes; the rest await one. */
export const OPEN_DECISION_STATUSES = ['pending', 'escalated'] as const;
/** workflow_execution.ex: pending, running, paused, completed, failed. */
export const SHOWN_WORKFLOW_STATUSES = ['running', 'paused', 'failed'] as const;
/** flow_execution.ex adds waiting_agent: a running flow that waits for an agent's answer. */
export const SHOWN_FLOW_STATUSES = ['running', 'waiting_agent', 'paused', 'failed'] as const;

/** ECHO's broadcasts, stored with these as `to_role` (MessageBus.broadcast_message): not agents. */
const BROADCASTS = `('all', 'leadership')`;

const list = (values: readonly string[]): string => `(${values.map((value) => `'${value}'`).join(', ')})`;

/** What a work read covers, as UTC instants. */
export interface WorkWindow {
  readonly today: InstantRange;
  readonly lastHour: InstantRange;
  /** The local days of the tasks' chart, oldest first. */
  readonly days: readonly InstantRange[];
  /** Rows dated later than this (a clock far ahead, 'infinity') hide nothing: "newest" is read below it. */
  readonly before: number;
}

/**
 * How many rows, and the sum of their row versions (`xmin`, renewed by every insert and update): moves when any of them
 * changes.
 */
const versionsSql = (table: string, where: string): string =>
  `(SELECT count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) FROM ${table} WHERE ${where})`;

/**
 * The roles that appear in a column, one index probe each (a loose index
 * scan: PostgreSQL before 18 has no skip scan), at most ROLE_LIMIT.
 */
const distinctSql = (name: string, table: string, column: string): string => `${name}(role, n) AS (
      (SELECT min(${column})::text, 1 FROM ${table})
      UNION ALL
      SELECT (SELECT min(${column})::text FROM ${table} WHERE ${column} > r.role), r.n + 1 FROM ${name} r WHERE r.role IS NOT NULL AND r.n < ${String(ROLE_LIMIT)})`;

/**
 * Unread messages, counted per recipient through `messages (to_role, read)`:
 * each role's unread rows only, never the whole index.
 */
const UNREAD_SQL = `(WITH RECURSIVE ${distinctSql('unread_roles', 'messages', 'to_role')}
       SELECT coalesce(sum((SELECT count(*) FROM messages m WHERE m.to_role = r.role AND m.read = false)), 0)
         FROM unread_roles r WHERE r.role IS NOT NULL)`;

/**
 * A text that moves when what the work store shows can have changed, from
 * indexes and the few rows on show: a new message (the newest id), a message
 * handled (ECHO's `mark_message_processed` and `mark_message_failed` set
 * `read`, so the unread count falls), the open decisions and their votes, the
 * LLM sessions queried within a day of the newest query, the executions on
 * show. No clock enters it, so a poll's injected time and the server's agree. Only the
 * tables present are named; the statement fails as a whole on a missing one.
 */
export function workTokenSql(tables: EchoTables): string {
  const parts: string[] = [];
  if (tables.messages) parts.push('(SELECT max(id) FROM messages)', UNREAD_SQL);
  if (tables.decisions) parts.push(versionsSql('decisions', `status IN ${list(OPEN_DECISION_STATUSES)}`));
  if (tables.decisionVotes) parts.push('(SELECT max(id) FROM decision_votes)');
  // Every write of ECHO's (LLM.Session) sets last_query_at to now, so it lands within a day of the newest: one index
  // range, measured from the data rather than this clock or the server's. 'infinity' is no newest.
  if (tables.llmSessions) {
    parts.push(
      versionsSql(
        'llm_sessions',
        `last_query_at >= (SELECT max(last_query_at) FROM llm_sessions WHERE last_query_at < 'infinity') - interval '1 day'`,
      ),
    );
  }
  if (tables.workflows) parts.push(versionsSql('workflow_executions', `status IN ${list(SHOWN_WORKFLOW_STATUSES)}`));
  if (tables.flows) parts.push(versionsSql('flow_executions', `status IN ${list(SHOWN_FLOW_STATUSES)}`));
  return parts.length === 0
    ? `''`
    : `concat_ws('/', ${parts.map((part) => `coalesce(${part}::text, '-')`).join(', ')})`;
}

/** A message's columns, its instant as UTC epoch ms; a long subject is cut in SQL, with its length to say so. */
const messageColumns = (
  extra = '',
): string => `m.id, m.from_role, m.to_role, m.type, left(m.subject, ${String(TEXT_LIMITS.label)}) AS subject,
       length(m.subject) AS subject_length, (extract(epoch FROM m.inserted_at) * 1000)::float8 AS at_ms${extra}`;

const ERROR_COLUMNS = `, left(m.processing_error, ${String(TEXT_LIMITS.message)}) AS error, length(m.processing_error) AS error_length`;

const jsonList = (rows: string, order: string): string =>
  `(SELECT coalesce(json_agg(x ORDER BY ${order}), '[]') FROM (${rows}) AS x)`;

function rolesSql(tables: EchoTables): string[] {
  const sources = [
    ...(tables.messages
      ? [distinctSql('to_roles', 'messages', 'to_role'), distinctSql('from_roles', 'messages', 'from_role')]
      : []),
    ...(tables.llmSessions ? [distinctSql('llm_roles', 'llm_sessions', 'agent_role')] : []),
  ];
  const names = [...(tables.messages ? ['to_roles', 'from_roles'] : []), ...(tables.llmSessions ? ['llm_roles'] : [])];
  const union = names.map((name) => `SELECT role FROM ${name}`).join(' UNION ');
  const roles =
    names.length === 0
      ? 'roles(role) AS (SELECT NULL::text WHERE false)'
      : `roles(role) AS (SELECT role FROM (${union}) AS r WHERE role IS NOT NULL AND role NOT IN ${BROADCASTS} ORDER BY role LIMIT ${String(ROLE_LIMIT)})`;
  return [...sources, roles];
}

/** Per role, the messages part: delegated tasks, backlog, failures, the last sent. */
function messageColumnsOf(params: Placeholders, tables: EchoTables, window: WorkWindow): string {
  if (!tables.messages)
    return `0 AS tasks_today, 0 AS tasks_last_hour, 0 AS backlog, '[]'::json AS waiting, 0 AS failures_total, '[]'::json AS failures, NULL::json AS last_sent`;
  const failures = tables.messageErrors
    ? `coalesce((SELECT f.total FROM failed f WHERE f.to_role = r.role AND f.n = 1), 0) AS failures_total,
       ${jsonList(
         `SELECT ${messageColumns(ERROR_COLUMNS)} FROM messages m
           WHERE m.id IN (SELECT f.id FROM failed f WHERE f.to_role = r.role AND f.n <= ${String(AGENT_ITEMS_LIMIT)})`,
         'x.at_ms DESC, x.id DESC',
       )} AS failures`
    : `0 AS failures_total, '[]'::json AS failures`;
  return `coalesce(d.today, 0) AS tasks_today, coalesce(d.last_hour, 0) AS tasks_last_hour,
       (SELECT count(*) FROM messages m WHERE m.to_role = r.role AND m.read = false) AS backlog,
       ${jsonList(
         `SELECT ${messageColumns()} FROM messages m WHERE m.to_role = r.role AND m.read = false ORDER BY m.inserted_at, m.id LIMIT ${String(AGENT_ITEMS_LIMIT)}`,
         'x.at_ms, x.id',
       )} AS waiting,
       ${failures},
       (SELECT row_to_json(x) FROM (SELECT ${messageColumns()} FROM messages m
          WHERE m.from_role = r.role AND m.inserted_at < ${params.add(utcTimestamp(window.before), 'timestamp')}
          ORDER BY m.inserted_at DESC, m.id DESC LIMIT 1) AS x) AS last_sent`;
}

/**
 * Per role, its LLM sessions: the newest query, and the turns and tokens of
 * the sessions queried today. ECHO deletes a session an hour after its last
 * query (LLM.Session's cleanup), so these are the sessions still kept.
 */
function llmColumnOf(params: Placeholders, tables: EchoTables, window: WorkWindow): string {
  if (!tables.llmSessions) return 'NULL::json AS llm';
  const today = withinSql(params, 's.last_query_at', window.today);
  const readable = 'coalesce(s.turn_count, 0) >= 0 AND coalesce(s.total_tokens, 0) >= 0';
  return `(SELECT CASE WHEN l.last_query_ms IS NULL THEN NULL ELSE row_to_json(l) END FROM (
          SELECT (extract(epoch FROM max(s.last_query_at)) * 1000)::float8 AS last_query_ms,
                 coalesce(sum(s.turn_count) FILTER (WHERE ${today} AND ${readable}), 0) AS turns_today,
                 coalesce(sum(s.total_tokens) FILTER (WHERE ${today} AND ${readable}), 0) AS tokens_today,
                 count(*) FILTER (WHERE ${today} AND NOT (${readable})) AS unreadable_today
            FROM llm_sessions s
           WHERE s.agent_role = r.role AND s.last_query_at < ${params.add(utcTimestamp(window.before), 'timestamp')}) AS l) AS llm`;
}

function agentsSql(params: Placeholders, tables: EchoTables, window: WorkWindow): string {
  const join = tables.messages ? 'LEFT JOIN delegated d ON d.role = r.role' : '';
  return `(SELECT coalesce(json_agg(a ORDER BY a.role), '[]') FROM (
      SELECT r.role, ${messageColumnsOf(params, tables, window)}, ${llmColumnOf(params, tables, window)}
        FROM roles r ${join}) AS a)`;
}

function decisionsSql(tables: EchoTables): string {
  if (!tables.decisions) return `'[]'::json AS decisions, 0 AS decisions_total`;
  const open = `status IN ${list(OPEN_DECISION_STATUSES)}`;
  const votes = tables.decisionVotes ? '(SELECT count(*) FROM decision_votes v WHERE v.decision_id = d.id)' : '0';
  return `${jsonList(
    `SELECT d.id::text AS id, d.decision_type, d.initiator_role, d.participants, d.mode, d.status, ${votes} AS votes,
            (extract(epoch FROM d.inserted_at) * 1000)::float8 AS inserted_at_ms
       FROM decisions d WHERE d.${open} ORDER BY d.inserted_at, d.id LIMIT ${String(WORK_LIST_LIMIT)}`,
    'x.inserted_at_ms, x.id',
  )} AS decisions,
       (SELECT count(*) FROM decisions WHERE ${open}) AS decisions_total`;
}

function executionsSql(kind: 'workflow' | 'flow', table: string, name: string, statuses: readonly string[]): string {
  return `(SELECT '${kind}' AS kind, id::text AS id, ${name} AS name, status, pause_reason,
          left(error, ${String(TEXT_LIMITS.message)}) AS error, length(error) AS error_length, status = 'failed' AS failed,
          (extract(epoch FROM inserted_at) * 1000)::float8 AS inserted_at_ms, (extract(epoch FROM updated_at) * 1000)::float8 AS updated_at_ms
     FROM ${table} WHERE status IN ${list(statuses)}
    ORDER BY status = 'failed' DESC, inserted_at, id LIMIT ${String(WORK_LIST_LIMIT)})`;
}

function workflowsSql(tables: EchoTables): string {
  const parts = [
    ...(tables.workflows
      ? [
          [
            'workflow_executions',
            executionsSql('workflow', 'workflow_executions', 'workflow_name', SHOWN_WORKFLOW_STATUSES),
            SHOWN_WORKFLOW_STATUSES,
          ] as const,
        ]
      : []),
    ...(tables.flows
      ? [
          [
            'flow_executions',
            executionsSql('flow', 'flow_executions', 'flow_module', SHOWN_FLOW_STATUSES),
            SHOWN_FLOW_STATUSES,
          ] as const,
        ]
      : []),
  ];
  if (parts.length === 0) return `'[]'::json AS workflows, 0 AS workflows_total`;
  const order = 'x.failed DESC, x.inserted_at_ms, x.kind, x.id';
  return `${jsonList(`SELECT * FROM (${parts.map(([, rows]) => rows).join(' UNION ALL ')}) AS x ORDER BY ${order} LIMIT ${String(WORK_LIST_LIMIT)}`, order)} AS workflows,
       (${parts.map(([table, , statuses]) => `(SELECT count(*) FROM ${table} WHERE status IN ${list(statuses)})`).join(' + ')}) AS workflows_total`;
}

/**
 * Everything the work store shows, as one statement of subqueries returning
 * JSON: one snapshot of ECHO's tables, one round trip. Built from the tables
 * present; a missing table's part is an empty constant. It carries its own
 * change token, so a reader knows what the picture it holds was read at.
 */
export function workSql(params: Placeholders, tables: EchoTables, window: WorkWindow): string {
  const ctes = rolesSql(tables);
  if (tables.messages) {
    const lo = Math.min(window.today.start, window.lastHour.start);
    const hi = Math.max(window.today.end, window.lastHour.end);
    // ECHO's delegator writes its tasks `from: "delegator"` (Delegator.MessageRouter); one index range covers today and
    // the last hour.
    ctes.push(`delegated AS (
      SELECT to_role AS role,
             count(*) FILTER (WHERE ${withinSql(params, 'inserted_at', window.today)}) AS today,
             count(*) FILTER (WHERE ${withinSql(params, 'inserted_at', window.lastHour)}) AS last_hour
        FROM messages
       WHERE from_role = 'delegator' AND ${withinSql(params, 'inserted_at', { start: lo, end: hi })}
       GROUP BY to_role)`);
  }
  if (tables.messageErrors) {
    // No index of ECHO's covers processing_error, and ECHO never deletes a message: the failures are those of the
    // chart's days, each role's read through `(to_role, inserted_at)`, so their cost follows the month's traffic, not
    // the table's age. One pass numbers them newest first and counts them, for every role at once.
    const since = withinSql(params, 'm.inserted_at', {
      start: window.days[0]?.start ?? window.today.start,
      end: window.before,
    });
    ctes.push(`failed AS (
      SELECT m.id, m.to_role, row_number() OVER (PARTITION BY m.to_role ORDER BY m.inserted_at DESC, m.id DESC) AS n,
             count(*) OVER (PARTITION BY m.to_role) AS total
        FROM roles r JOIN messages m ON m.to_role = r.role
       WHERE ${since} AND m.processing_error IS NOT NULL)`);
  }
  const tasksPerDay = tables.messages
    ? `(SELECT coalesce(json_agg(c), '[]') FROM (${countsWithinSql(params, window.days, { table: 'messages', column: 'inserted_at', where: "from_role = 'delegator'" })}) AS c)`
    : `'[]'::json`;
  // The newest by id, read backwards along the primary key: ECHO numbers its messages as it stores them.
  const latest = tables.messages
    ? jsonList(
        `SELECT ${messageColumns()} FROM messages m WHERE m.inserted_at < ${params.add(utcTimestamp(window.before), 'timestamp')} ORDER BY m.id DESC LIMIT ${String(AGENT_ITEMS_LIMIT)}`,
        'x.id DESC',
      )
    : `'[]'::json`;
  return `WITH RECURSIVE ${ctes.join(',\n    ')}
    SELECT ${agentsSql(params, tables, window)} AS agents,
           ${decisionsSql(tables)},
           ${workflowsSql(tables)},
           ${latest} AS latest_messages,
           ${tasksPerDay} AS tasks_per_day,
           ${workTokenSql(tables)} AS work_token`;
}
