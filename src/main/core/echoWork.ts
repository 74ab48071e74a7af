/**
 * What ECHO records of its own work, as a poll reads it from PostgreSQL
 * (`messages`, `decisions` with `decision_votes`, `llm_sessions`,
 * `workflow_executions`, `flow_executions`; ECHO's migrations in
 * apps/echo_shared/priv/repo/migrations/). Instants are epoch ms; ECHO
 * stores UTC in `timestamp(0) without time zone`.
 */

/** Lists are cut to this many entries, newest or oldest first as each says; their totals count them all. */
export const WORK_LIST_LIMIT = 20;
/** Per agent, the waiting messages and the failures kept; and the latest messages of all. */
export const AGENT_ITEMS_LIMIT = 5;

/** One row of `messages`, as the views need it. */
export interface MessageRecord {
  readonly id: number;
  readonly from: string;
  readonly to: string;
  /** ECHO's message type: request, response, notification, escalation, … */
  readonly type: string;
  readonly subject: string;
  /** `inserted_at`. */
  readonly at: number;
}

export interface FailedMessage extends MessageRecord {
  /** `processing_error`, cut as other texts are. */
  readonly error: string;
}

/** One agent's share of `messages` and `llm_sessions`. */
export interface AgentWorkRecord {
  readonly role: string;
  /** Messages from the delegator to it (`from_role = 'delegator'`) since the local day began, and in the last hour. */
  readonly tasksToday: number;
  readonly tasksLastHour: number;
  /** Messages to it still unread (`read = false`): its backlog. */
  readonly backlog: number;
  /** The oldest waiting, first; at most AGENT_ITEMS_LIMIT. */
  readonly waiting: readonly MessageRecord[];
  /** Messages to it that failed (`processing_error` set), newest first; at most AGENT_ITEMS_LIMIT. */
  readonly failures: readonly FailedMessage[];
  readonly failuresTotal: number;
  /** The newest message it sent. */
  readonly lastSent: MessageRecord | null;
  /** From `llm_sessions` (null where the table is missing or it has none). */
  readonly llm: { readonly lastQueryAt: number; readonly turnsToday: number; readonly tokensToday: number } | null;
}

export interface DecisionRecord {
  readonly id: string;
  readonly type: string;
  readonly initiator: string;
  readonly participants: readonly string[];
  readonly mode: string;
  /** pending, escalated, … (ECHO's `decisions.status`). */
  readonly status: string;
  /** Rows of `decision_votes` for it. */
  readonly votes: number;
  readonly insertedAt: number;
}

export interface WorkflowRecord {
  readonly kind: 'workflow' | 'flow';
  readonly id: string;
  /** `workflow_name`, or `flow_module`. */
  readonly name: string;
  /** running, paused, failed, … */
  readonly status: string;
  readonly pauseReason: string | null;
  readonly error: string | null;
  readonly insertedAt: number;
  readonly updatedAt: number;
}

export interface EchoWorkData {
  /** Which of ECHO's tables exist: an older ECHO lacks some, which is no error. */
  readonly tables: {
    readonly messages: boolean;
    readonly decisions: boolean;
    readonly llmSessions: boolean;
    readonly workflows: boolean;
    readonly flows: boolean;
  };
  /** Every role that has a message to or from it, or an `llm_sessions` row, in role order. */
  readonly agents: readonly AgentWorkRecord[];
  /** Decisions not yet completed (`pending`, `escalated`, …), oldest first; at most WORK_LIST_LIMIT. */
  readonly openDecisions: readonly DecisionRecord[];
  readonly openDecisionsTotal: number;
  /**
   * Workflow and flow executions that are running, paused or failed, failed first then oldest; at most WORK_LIST_LIMIT.
   */
  readonly workflows: readonly WorkflowRecord[];
  readonly workflowsTotal: number;
  /**
   * The newest messages of all, newest first; at most AGENT_ITEMS_LIMIT. ECHO
   * stores each message before it publishes it, so these are the latest its
   * channels carried, for a look that does not listen to them.
   */
  readonly latestMessages: readonly MessageRecord[];
  /** Tasks delegated (messages from the delegator) per local day over the last 30 days, oldest first. */
  readonly tasksPerDay: readonly { readonly date: string; readonly count: number }[];
}
