import { expect } from 'vitest';
import { Redis } from 'ioredis';
import type { Publisher } from '../../src/main/simulator/echoMessages';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';

/** What was heard on ECHO's channels, in order, each payload parsed. */
export interface Heard {
  readonly channel: string;
  readonly payload: Record<string, unknown>;
}

/**
 * A subscriber to ECHO's unprefixed channels (`messages:*`, `decisions:*`).
 * Use it on a Redis server of the test file's own: pub/sub ignores prefixes
 * and databases, so a shared server would mix parallel files' messages.
 */
export async function listenToEcho(url: string): Promise<{ heard: Heard[]; close(): void }> {
  const subscriber = new Redis(url);
  subscriber.on('error', () => undefined);
  const heard: Heard[] = [];
  subscriber.on('pmessage', (_pattern: string, channel: string, text: string) => {
    heard.push({ channel, payload: JSON.parse(text) as Record<string, unknown> });
  });
  await subscriber.psubscribe('messages:*', 'decisions:*');
  return {
    heard,
    close() {
      subscriber.disconnect();
    },
  };
}

/**
 * The order of what reached the database and Redis: `stored <id>` once a
 * message's insert has returned its row, `published <channel> <db_id>` when
 * a message is handed to Redis. A message stored before it is published has
 * its `stored` entry first.
 */
export function orderLog(
  sql: SqlClient,
  publisher: Publisher,
): { log: string[]; sql: SqlClient; publisher: Publisher } {
  const log: string[] = [];
  return {
    log,
    sql: {
      async query(text: string, values?: unknown[]) {
        const result = await sql.query(text, values);
        if (text.includes('INSERT INTO messages') && text.includes('WITH found')) {
          for (const row of result.rows as Array<{ id: string }>) log.push(`stored ${row.id}`);
        }
        return result;
      },
    },
    publisher: {
      publish(channel: string, message: string) {
        const payload = JSON.parse(message) as { db_id?: number };
        log.push(`published ${channel} ${String(payload.db_id ?? '')}`);
        return publisher.publish(channel, message);
      },
    },
  };
}

/** Polls until `check` gives something, or fails after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const AGENT_ROLES = [
  'ceo',
  'cto',
  'chro',
  'operations_head',
  'product_manager',
  'senior_architect',
  'uiux_engineer',
  'senior_developer',
  'test_lead',
];
const LEADERSHIP = ['ceo', 'cto', 'chro', 'operations_head'];

export interface MessageRecord {
  readonly id: number;
  readonly from_role: string;
  readonly to_role: string;
  readonly type: string;
  readonly subject: string;
  readonly content: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly read: boolean;
  readonly inserted_at: number;
  readonly processed_at: number | null;
  readonly processing_error: string | null;
}

const epoch = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8 AS ${column}`;

export async function messageRows(sql: SqlClient): Promise<MessageRecord[]> {
  const { rows } = await sql.query(
    `SELECT id::int AS id, from_role, to_role, type, subject, content, metadata, read, ${epoch('inserted_at')}, ${epoch('processed_at')}, processing_error
       FROM messages ORDER BY id`,
  );
  return rows as MessageRecord[];
}

/**
 * Every row of `messages` as `EchoShared.MessageBus` leaves it: one of ECHO's
 * four types, metadata of the timestamp alone (to the microsecond, in the
 * row's second), unread with no processing, or read with `processed_at` (and
 * the error of a failure); the delegator's tasks as `delegate_task` and
 * `send_to_agent` write them.
 */
export function expectMessagesAsEchoWritesThem(rows: readonly MessageRecord[]): void {
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    expect(['request', 'response', 'notification', 'escalation']).toContain(row.type);
    expect(Object.keys(row.metadata)).toEqual(['timestamp']);
    const timestamp = String(row.metadata.timestamp);
    expect(timestamp).toMatch(MICROS);
    expect(Math.floor(Date.parse(timestamp) / 1000) * 1000).toBe(row.inserted_at);
    if (!row.read)
      expect({ processed: row.processed_at, error: row.processing_error }).toEqual({ processed: null, error: null });
    if (row.processing_error !== null) expect(row.read).toBe(true);
    if (row.read) expect(row.processed_at ?? 0).toBeGreaterThanOrEqual(row.inserted_at);
    if (row.from_role === 'delegator') {
      expect(row.type).toBe('request');
      expect(AGENT_ROLES).toContain(row.to_role);
      if (row.subject === 'Direct task from delegator') {
        expect(Object.keys(row.content).sort()).toEqual(['context', 'message']);
      } else {
        expect(row.subject).toMatch(row.to_role === 'ceo' ? /^Task delegation: [a-z_]+$/ : /^Direct task: [a-z_]+$/);
        expect(row.content).toMatchObject({
          request_id: expect.stringMatching(/^req_\d{13}_[0-9a-f]{8}$/),
          task: {
            type: row.subject.replace(/^.*: /, ''),
            description: expect.any(String),
            context: { priority: expect.any(String) },
          },
          delegation_mode: row.to_role === 'ceo' ? 'hierarchical' : 'direct',
          timestamp: expect.stringMatching(MICROS),
        });
      }
    }
    // Nobody in ECHO reads what is sent to the delegator.
    if (row.to_role === 'delegator') expect(row.read).toBe(false);
  }
}

/**
 * What was published on `messages:<to>` is ECHO's JSON of a stored row: the
 * row's id as `db_id`, a publish id of its own, the row's fields, and the
 * row's timestamp in the metadata; every message published was stored first.
 */
export function expectPublishedAsStored(
  heard: readonly Heard[],
  rows: readonly MessageRecord[],
  log: readonly string[],
): number {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const published = heard.filter((each) => each.channel.startsWith('messages:'));
  for (const { channel, payload } of published) {
    expect(Object.keys(payload).sort()).toEqual([
      'content',
      'db_id',
      'from',
      'id',
      'metadata',
      'subject',
      'to',
      'type',
    ]);
    expect(payload.id).toMatch(/^msg_[0-9a-f]{16}$/);
    const row = byId.get(Number(payload.db_id));
    expect(row, `row ${String(payload.db_id)}`).toBeDefined();
    expect(channel).toBe(`messages:${row?.to_role ?? ''}`);
    expect(payload).toMatchObject({
      from: row?.from_role,
      to: row?.to_role,
      type: row?.type,
      subject: row?.subject,
      content: row?.content,
    });
    expect(payload.metadata).toEqual(row?.metadata);
    const stored = log.indexOf(`stored ${String(payload.db_id)}`);
    expect(stored).toBeGreaterThanOrEqual(0);
    expect(stored).toBeLessThan(log.indexOf(`published ${channel} ${String(payload.db_id)}`));
  }
  return published.length;
}

/** `publish_decision_event`'s JSON: the caller's data, `event` and `timestamp`, on `decisions:<event>`. */
export function expectDecisionEvents(heard: readonly Heard[]): string[] {
  const events = heard.filter((each) => each.channel.startsWith('decisions:'));
  const keys: Record<string, string[]> = {
    'decisions:new': ['decision_id', 'event', 'initiator', 'mode', 'timestamp', 'type'],
    'decisions:vote_required': ['decision_id', 'event', 'participants', 'timestamp', 'type'],
    'decisions:completed': ['decision_id', 'event', 'status', 'timestamp'],
    'decisions:escalated': ['decision_id', 'event', 'reason', 'timestamp', 'urgency'],
  };
  for (const { channel, payload } of events) {
    expect(Object.keys(payload).sort()).toEqual(keys[channel]);
    expect(`decisions:${String(payload.event)}`).toBe(channel);
    expect(payload.timestamp).toMatch(MICROS);
    expect(payload.decision_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  return [...new Set(events.map((each) => each.channel))].sort();
}

/** Decisions and their votes as ECHO's leadership records them. */
export async function expectDecisionsAsEchoWritesThem(sql: SqlClient): Promise<Record<string, number>> {
  const { rows: decisions } = await sql.query(
    `SELECT id::text AS id, decision_type, initiator_role, participants, mode, status, consensus_score, outcome, ${epoch('inserted_at')}, ${epoch('completed_at')} FROM decisions`,
  );
  const statuses: Record<string, number> = {};
  for (const row of decisions as Array<{
    id: string;
    initiator_role: string;
    participants: string[];
    mode: string;
    status: string;
    outcome: unknown;
    inserted_at: number;
    completed_at: number | null;
  }>) {
    statuses[row.status] = (statuses[row.status] ?? 0) + 1;
    expect(LEADERSHIP).toContain(row.initiator_role);
    expect(row.mode).toBe('collaborative');
    expect(row.participants.length).toBeGreaterThanOrEqual(2);
    expect(row.participants).not.toContain(row.initiator_role);
    expect(['pending', 'approved', 'rejected', 'escalated']).toContain(row.status);
    // ECHO sets completed_at when it approves or rejects, never when it escalates.
    expect(row.completed_at === null).toBe(row.status === 'pending' || row.status === 'escalated');
    expect(row.outcome === null).toBe(row.status === 'pending');
    const { rows: votes } = await sql.query(
      `SELECT voter_role, vote, rationale, confidence, ${epoch('voted_at')} FROM decision_votes WHERE decision_id = $1::uuid`,
      [row.id],
    );
    for (const vote of votes as Array<{
      voter_role: string;
      vote: string;
      rationale: string;
      confidence: number;
      voted_at: number;
    }>) {
      expect(row.participants).toContain(vote.voter_role);
      expect(['approve', 'reject', 'abstain']).toContain(vote.vote);
      expect(vote.confidence).toBeGreaterThanOrEqual(0);
      expect(vote.confidence).toBeLessThanOrEqual(1);
      expect(vote.rationale.length).toBeGreaterThan(0);
      expect(vote.voted_at).toBeGreaterThanOrEqual(row.inserted_at);
    }
  }
  return statuses;
}

/** Model sessions, workflow and flow executions as ECHO's code leaves them. */
export async function expectExecutionsAsEchoWritesThem(
  sql: SqlClient,
): Promise<{ workflows: string[]; flows: string[]; paused: number; turns: number }> {
  const { rows: sessions } = await sql.query(
    `SELECT session_id, agent_role, turn_count, total_tokens, conversation_history, startup_context, ${epoch('created_at')}, ${epoch('last_query_at')} FROM llm_sessions`,
  );
  let turns = 0;
  for (const row of sessions as Array<{
    session_id: string;
    agent_role: string;
    turn_count: number;
    total_tokens: number;
    conversation_history: unknown[];
    startup_context: string;
    created_at: number;
    last_query_at: number;
  }>) {
    expect(row.session_id).toMatch(new RegExp(`^${row.agent_role}_\\d{10}_\\d{1,6}$`));
    expect(AGENT_ROLES).toContain(row.agent_role);
    expect(row.turn_count).toBeGreaterThanOrEqual(1);
    expect(row.conversation_history).toHaveLength(Math.min(row.turn_count, 5));
    // ECHO's estimate of the latest query: at least the startup context's characters over four.
    expect(row.total_tokens).toBeGreaterThan(Math.floor(row.startup_context.length / 4));
    expect(row.last_query_at).toBeGreaterThanOrEqual(row.created_at);
    turns = Math.max(turns, row.turn_count);
  }
  const { rows: workflows } = await sql.query(
    `SELECT id, status, total_steps, error, pause_reason, ${epoch('completed_at')} FROM workflow_executions`,
  );
  let paused = 0;
  for (const row of workflows as Array<{
    id: string;
    status: string;
    total_steps: number | null;
    error: string | null;
    pause_reason: string | null;
    completed_at: number | null;
  }>) {
    expect(row.id).toMatch(/^wf_[0-9a-f]{16}$/);
    // `persist_execution` never writes it.
    expect(row.total_steps).toBeNull();
    expect(row.completed_at === null).toBe(row.status === 'running' || row.status === 'paused');
    expect(row.error === null).toBe(row.status !== 'failed');
    if (row.pause_reason !== null) paused += 1;
  }
  const { rows: flows } = await sql.query(
    `SELECT id, flow_module, status, version, error, route_taken, ${epoch('completed_at')} FROM flow_executions`,
  );
  for (const row of flows as Array<{
    id: string;
    flow_module: string;
    status: string;
    version: number;
    error: string | null;
    route_taken: string[];
    completed_at: number | null;
  }>) {
    expect(row.id).toMatch(/^flow_[0-9a-f]{16}$/);
    expect(row.flow_module).toBe('EchoShared.Workflow.Examples.FeatureApprovalFlow');
    expect(row.version).toBeGreaterThanOrEqual(1);
    expect(row.completed_at === null).toBe(!['completed', 'failed'].includes(row.status));
    expect(row.error === null).toBe(row.status !== 'failed');
  }
  const statuses = (rows: unknown[]): string[] =>
    [...new Set((rows as Array<{ status: string }>).map((row) => row.status))].sort();
  return { workflows: statuses(workflows), flows: statuses(flows), paused, turns };
}
