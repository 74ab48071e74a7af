import type { SqlClient } from '../sources/postgres/sqlClient';
import { echoTimestamp, utc } from './delegatorWriter';
import type { EchoMessages } from './echoMessages';

/** ECHO's decision events (`publish_decision_event`), each on `decisions:<event>`. */
export type DecisionEvent = 'new' | 'vote_required' | 'completed' | 'escalated';

export interface DecisionRow {
  /** A uuid, as Ecto's `:binary_id` makes it. */
  readonly id: string;
  readonly type: string;
  readonly initiator: string;
  readonly participants: readonly string[];
  readonly mode: 'autonomous' | 'collaborative' | 'hierarchical' | 'human';
  readonly context: Readonly<Record<string, unknown>>;
  readonly at: number;
}

export interface VoteRow {
  readonly decisionId: string;
  readonly voter: string;
  readonly vote: 'approve' | 'reject' | 'abstain';
  readonly rationale: string;
  /** From 0 to 1. */
  readonly confidence: number;
  readonly at: number;
}

/** One turn of an `llm_sessions` row's `conversation_history`, as ECHO's `Session` keeps it. */
export interface LlmTurn {
  readonly question: string;
  readonly response: string;
  readonly timestamp: string;
}

/** An `llm_sessions` row after a model call, whole: written the same however often it is sent. */
export interface LlmSessionRow {
  readonly sessionId: string;
  readonly role: string;
  readonly startupContext: string;
  /** The newest first, at most five, as ECHO keeps them. */
  readonly history: readonly LlmTurn[];
  readonly turns: number;
  readonly totalTokens: number;
  readonly createdAt: number;
  readonly lastQueryAt: number;
}

/** A `workflow_executions` row as `Workflow.Engine.persist_execution` upserts it. */
export interface WorkflowRow {
  readonly id: string;
  readonly name: string;
  readonly status: 'running' | 'paused' | 'completed' | 'failed';
  readonly context: Readonly<Record<string, unknown>>;
  readonly currentStep: number;
  readonly pauseReason: string | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly completedAt: number | null;
  readonly at: number;
}

/** A `flow_executions` row at one `version`, as `FlowEngine` and `FlowCoordinator` write it. */
export interface FlowRow {
  readonly id: string;
  readonly module: string;
  readonly status: 'pending' | 'running' | 'waiting_agent' | 'paused' | 'completed' | 'failed';
  readonly state: Readonly<Record<string, unknown>>;
  readonly currentStep: string | null;
  readonly currentTrigger: string | null;
  readonly routeTaken: readonly string[];
  readonly completedSteps: readonly string[];
  readonly awaitedResponse: Readonly<Record<string, unknown>> | null;
  readonly error: string | null;
  readonly pauseReason: string | null;
  readonly startedAt: number;
  readonly completedAt: number | null;
  /** 1 when inserted; each update adds one (Ecto's `optimistic_lock`). */
  readonly version: number;
  readonly at: number;
}

const json = (value: unknown): string => JSON.stringify(value);
const utcOrNull = (instant: number | null): string | null => (instant === null ? null : utc(instant));

/**
 * ECHO's records of its work besides messages: `decisions` and
 * `decision_votes` with their events, `llm_sessions`, `workflow_executions`
 * and `flow_executions`. Every write can be sent twice, or late, without
 * harm: inserts skip what is there, updates carry whole values, and a row
 * that moved on is never taken back.
 */
export class EchoRecords {
  constructor(
    private readonly sql: SqlClient,
    private readonly messages: EchoMessages,
  ) {}

  /** `publish_decision_event`: the data with `event` and `timestamp`, on `decisions:<event>`. */
  async decisionEvent(event: DecisionEvent, data: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    await this.messages.publish(`decisions:${event}`, { ...data, event, timestamp: echoTimestamp(at) });
  }

  /** A decision as `create_decision` inserts it: `pending`, no outcome yet. */
  async openDecision(row: DecisionRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO decisions (id, decision_type, initiator_role, participants, mode, context, status, inserted_at, updated_at)
       VALUES ($1::uuid, $2, $3, $4::varchar[], $5, $6::jsonb, 'pending', $7::timestamp, $7::timestamp)
       ON CONFLICT (id) DO NOTHING`,
      [row.id, row.type, row.initiator, row.participants, row.mode, json(row.context), utc(row.at)],
    );
  }

  async vote(row: VoteRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO decision_votes (decision_id, voter_role, vote, rationale, confidence, voted_at)
       VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamp)
       ON CONFLICT (decision_id, voter_role) DO NOTHING`,
      [row.decisionId, row.voter, row.vote, row.rationale, row.confidence, utc(row.at)],
    );
  }

  /**
   * Approved or rejected, with the outcome and `completed_at`, as `approve_decision` writes it; a null consensus leaves
   * the score as it is.
   */
  async completeDecision(
    id: string,
    status: 'approved' | 'rejected',
    consensus: number | null,
    outcome: Readonly<Record<string, unknown>>,
    at: number,
  ): Promise<void> {
    await this.sql.query(
      `UPDATE decisions SET status = $2, consensus_score = coalesce($3::float, consensus_score), outcome = $4::jsonb, completed_at = $5::timestamp, updated_at = $5::timestamp
        WHERE id = $1::uuid`,
      [id, status, consensus, json(outcome), utc(at)],
    );
  }

  /** `escalated`, with the outcome saying why and no `completed_at`, as `escalate_decision` writes it. */
  async escalateDecision(id: string, outcome: Readonly<Record<string, unknown>>, at: number): Promise<void> {
    await this.sql.query(
      `UPDATE decisions SET status = 'escalated', outcome = $2::jsonb, updated_at = $3::timestamp WHERE id = $1::uuid`,
      [id, json(outcome), utc(at)],
    );
  }

  /**
   * The session's row after a model call: inserted with its first call, then
   * updated; a write older than the row's turn changes nothing.
   */
  async saveLlmSession(row: LlmSessionRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO llm_sessions (session_id, agent_role, startup_context, conversation_history, turn_count, total_tokens, created_at, last_query_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::timestamp, $8::timestamp)
       ON CONFLICT (session_id) DO UPDATE
         SET conversation_history = EXCLUDED.conversation_history, turn_count = EXCLUDED.turn_count,
             total_tokens = EXCLUDED.total_tokens, last_query_at = EXCLUDED.last_query_at
         WHERE llm_sessions.turn_count < EXCLUDED.turn_count`,
      [
        row.sessionId,
        row.role,
        row.startupContext,
        json(row.history),
        row.turns,
        row.totalTokens,
        utc(row.createdAt),
        utc(row.lastQueryAt),
      ],
    );
  }

  /** ECHO's session cleanup: rows with no query since `before` are deleted. */
  async forgetIdleLlmSessions(before: number): Promise<void> {
    await this.sql.query('DELETE FROM llm_sessions WHERE last_query_at < $1::timestamp', [utc(before)]);
  }

  /**
   * `persist_execution`: an upsert of everything but `id` and `inserted_at`;
   * `total_steps` is not among what it writes, so it stays NULL.
   */
  async saveWorkflow(row: WorkflowRow): Promise<void> {
    await this.sql.query(
      `INSERT INTO workflow_executions (id, workflow_name, status, context, current_step, error, pause_reason, inserted_at, updated_at, completed_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::timestamp, $9::timestamp, $10::timestamp)
       ON CONFLICT (id) DO UPDATE
         SET workflow_name = EXCLUDED.workflow_name, status = EXCLUDED.status, context = EXCLUDED.context,
             current_step = EXCLUDED.current_step, error = EXCLUDED.error, pause_reason = EXCLUDED.pause_reason,
             updated_at = EXCLUDED.updated_at, completed_at = EXCLUDED.completed_at`,
      [
        row.id,
        row.name,
        row.status,
        json(row.context),
        row.currentStep,
        row.error,
        row.pauseReason,
        utc(row.startedAt),
        utc(row.at),
        utcOrNull(row.completedAt),
      ],
    );
  }

  /** The row at its version: inserted at 1, then each later version replaces an older one, never a newer. */
  async saveFlow(row: FlowRow): Promise<void> {
    const values = [
      row.id,
      row.module,
      row.status,
      json(row.state),
      row.currentStep,
      row.currentTrigger,
      row.routeTaken,
      row.completedSteps,
      row.awaitedResponse === null ? null : json(row.awaitedResponse),
      row.error,
      row.pauseReason,
      utc(row.startedAt),
      utc(row.at),
      utcOrNull(row.completedAt),
      row.version,
    ];
    await this.sql.query(
      `INSERT INTO flow_executions (id, flow_module, status, state, current_step, current_trigger, route_taken, completed_steps,
                                    awaited_response, error, pause_reason, inserted_at, updated_at, completed_at, version)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::varchar[], $8::varchar[], $9::jsonb, $10, $11, $12::timestamp, $13::timestamp, $14::timestamp, $15)
       ON CONFLICT (id) DO UPDATE
         SET status = EXCLUDED.status, state = EXCLUDED.state, current_step = EXCLUDED.current_step,
             current_trigger = EXCLUDED.current_trigger, route_taken = EXCLUDED.route_taken,
             completed_steps = EXCLUDED.completed_steps, awaited_response = EXCLUDED.awaited_response,
             error = EXCLUDED.error, pause_reason = EXCLUDED.pause_reason, updated_at = EXCLUDED.updated_at,
             completed_at = EXCLUDED.completed_at, version = EXCLUDED.version
         WHERE flow_executions.version < EXCLUDED.version`,
      values,
    );
  }
}
