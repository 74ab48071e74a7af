import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';

/**
 * Rows of ECHO's own tables, written as ECHO's code writes them (each
 * function names the ECHO file, `github:Pranavj17/echo` at 1537b49): UTC in
 * `timestamp(0)` columns, whole seconds, statuses as Ecto.Enum stores them.
 */

/** `2026-11-24T14:30:00Z` as ECHO stores it: UTC, no zone, whole seconds. */
export const utc = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');

async function insertedId(sql: SqlClient, text: string, values: unknown[]): Promise<number> {
  const { rows } = await sql.query(text, values);
  return Number((rows[0] as { id: unknown }).id);
}

export interface MessageSeed {
  readonly from: string;
  readonly to: string;
  readonly type: 'request' | 'response' | 'notification' | 'escalation';
  readonly subject: string;
  readonly at: string;
  readonly content?: Record<string, unknown>;
}

/**
 * MessageBus.store_message_in_db (apps/echo_shared/lib/echo_shared/message_bus.ex),
 * called by publish_message and broadcast_message (`to: "all"`): the roles as
 * strings, the type as its atom's name, metadata with the ISO timestamp, `read` false.
 */
export function storeMessage(sql: SqlClient, message: MessageSeed): Promise<number> {
  return insertedId(
    sql,
    `INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at)
     VALUES ($1, $2, $3, $4, $5, $6, false, $7) RETURNING id`,
    [
      message.from,
      message.to,
      message.type,
      message.subject,
      JSON.stringify(message.content ?? {}),
      JSON.stringify({ timestamp: message.at.replace('Z', '.000000Z') }),
      utc(message.at),
    ],
  );
}

/**
 * Delegator.MessageRouter (apps/delegator/lib/delegator/message_router.ex): a task published `from: "delegator"` as a
 * request.
 */
export function delegateTask(sql: SqlClient, to: string, taskType: string, at: string): Promise<number> {
  return storeMessage(sql, {
    from: 'delegator',
    to,
    type: 'request',
    subject: `Direct task: ${taskType}`,
    at,
    content: { request_id: `req_${taskType}`, task: { type: taskType }, delegation_mode: 'direct', timestamp: at },
  });
}

/** Message.mark_processed (schemas/message.ex), by MessageBus.mark_message_processed: read, and when. */
export async function markProcessed(sql: SqlClient, id: number, at: string): Promise<void> {
  await sql.query('UPDATE messages SET read = true, processed_at = $1 WHERE id = $2', [utc(at), id]);
}

/**
 * Message.mark_failed (schemas/message.ex), by MessageBus.mark_message_failed: read too, with the error as
 * `inspect(error)`.
 */
export async function markFailed(sql: SqlClient, id: number, error: string, at: string): Promise<void> {
  await sql.query('UPDATE messages SET read = true, processed_at = $1, processing_error = $2 WHERE id = $3', [
    utc(at),
    error,
    id,
  ]);
}

export interface LlmSessionSeed {
  readonly role: string;
  readonly createdAt: string;
  readonly lastQueryAt: string;
  readonly turns: number;
  readonly tokens: number;
}

/**
 * LLM.Session (apps/echo_shared/lib/echo_shared/llm/session.ex): create_session
 * inserts `<role>_<unix>_<random>` with the startup context's tokens and no
 * turn; each update_session adds a turn, re-estimates the tokens and stamps
 * last_query_at. The row after its last update.
 */
export async function llmSession(sql: SqlClient, session: LlmSessionSeed): Promise<string> {
  const id = `${session.role}_${String(Date.parse(session.createdAt) / 1000)}_${String(100_000 + session.turns)}`;
  const history = Array.from({ length: Math.min(session.turns, 10) }, (_, turn) => ({
    question: `Question ${String(turn + 1)}`,
    response: 'Answer',
    timestamp: session.lastQueryAt,
  }));
  await sql.query(
    `INSERT INTO llm_sessions (session_id, agent_role, startup_context, conversation_history, turn_count, total_tokens, created_at, last_query_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      id,
      session.role,
      `## Role\nYou are the ${session.role}.`,
      JSON.stringify(history),
      session.turns,
      session.tokens,
      utc(session.createdAt),
      utc(session.lastQueryAt),
    ],
  );
  return id;
}

export interface DecisionSeed {
  readonly id: string;
  readonly type: string;
  readonly initiator: string;
  readonly mode: 'autonomous' | 'collaborative' | 'hierarchical' | 'human';
  readonly status: 'pending' | 'approved' | 'rejected' | 'escalated';
  readonly participants?: readonly string[];
  readonly at: string;
  readonly completedAt?: string;
}

/**
 * CEO.create_decision and CTO.record_technical_decision (apps/ceo/lib/ceo.ex,
 * apps/cto/lib/cto.ex) through Decision.changeset (schemas/decision.ex):
 * approve and reject set completed_at; escalate_decision only the status.
 */
export async function insertDecision(sql: SqlClient, decision: DecisionSeed): Promise<void> {
  await sql.query(
    `INSERT INTO decisions (id, decision_type, initiator_role, participants, mode, context, status, outcome, inserted_at, updated_at, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)`,
    [
      decision.id,
      decision.type,
      decision.initiator,
      decision.participants ?? [],
      decision.mode,
      JSON.stringify({ summary: decision.type }),
      decision.status,
      decision.status === 'pending' ? null : JSON.stringify({ decided_by: decision.initiator }),
      utc(decision.at),
      decision.completedAt === undefined ? null : utc(decision.completedAt),
    ],
  );
}

/**
 * A vote as DecisionVote.changeset (schemas/decision_vote.ex) admits it:
 * approve/reject/abstain, confidence in [0, 1], one per role. ECHO at 1537b49
 * declares the schema but no code of it inserts a vote yet.
 */
export async function insertVote(
  sql: SqlClient,
  decisionId: string,
  voter: string,
  vote: 'approve' | 'reject' | 'abstain',
  at: string,
): Promise<void> {
  await sql.query(
    `INSERT INTO decision_votes (decision_id, voter_role, vote, rationale, confidence, voted_at) VALUES ($1, $2, $3, $4, 0.8, $5)`,
    [decisionId, voter, vote, `${voter} has its reasons`, utc(at)],
  );
}

export interface ExecutionSeed {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly at: string;
  readonly updatedAt?: string;
  readonly pauseReason?: string;
  readonly error?: string;
}

/**
 * Workflow.Engine.persist_execution (apps/echo_shared/lib/echo_shared/workflow/engine.ex):
 * an upsert of `wf_<hex>` with its status, step and pause reason; the error, where any, as `inspect(error)`.
 */
export async function persistWorkflow(sql: SqlClient, run: ExecutionSeed): Promise<void> {
  const done = run.status === 'completed' || run.status === 'failed';
  await sql.query(
    `INSERT INTO workflow_executions (id, workflow_name, status, context, current_step, total_steps, error, pause_reason, inserted_at, updated_at, completed_at)
     VALUES ($1, $2, $3, '{}', 1, 4, $4, $5, $6, $7, $8)`,
    [
      run.id,
      run.name,
      run.status,
      run.error ?? null,
      run.pauseReason ?? null,
      utc(run.at),
      utc(run.updatedAt ?? run.at),
      done ? utc(run.updatedAt ?? run.at) : null,
    ],
  );
}

/**
 * Workflow.FlowEngine (apps/echo_shared/lib/echo_shared/workflow/flow_engine.ex):
 * start_flow inserts `flow_<hex>` pending with the module's name, then running,
 * waiting_agent while an agent is asked (FlowExecution.await_agent_response),
 * failed with "Router error: …" or "Listener error: …" (FlowExecution.fail).
 */
export async function insertFlow(sql: SqlClient, run: ExecutionSeed): Promise<void> {
  const done = run.status === 'completed' || run.status === 'failed';
  await sql.query(
    `INSERT INTO flow_executions (id, flow_module, status, state, current_step, error, pause_reason, inserted_at, updated_at, completed_at, version)
     VALUES ($1, $2, $3, '{}', 'request_approval', $4, $5, $6, $7, $8, 2)`,
    [
      run.id,
      run.name,
      run.status,
      run.error ?? null,
      run.pauseReason ?? null,
      utc(run.at),
      utc(run.updatedAt ?? run.at),
      done ? utc(run.updatedAt ?? run.at) : null,
    ],
  );
}
