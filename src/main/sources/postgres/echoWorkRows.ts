import { z } from 'zod';
import { epochMs } from './sessionRow';
import type {
  AgentWorkRecord,
  DecisionRecord,
  FailedMessage,
  MessageRecord,
  WorkflowRecord,
} from '../../core/echoWork';
import { clipText, markCut, TEXT_LIMITS } from '../../../shared/clipText';
import { describeIssues } from '../../../shared/zodIssues';

/**
 * ECHO's rows as the work statement gives them (echoWorkSql.ts), each checked
 * here: what cannot be read is left out with its reason, as for the sessions
 * (sessionRow.ts). ECHO's tables allow more than its code writes (an empty
 * role, 'infinity', a negative token count); none of it reaches a view.
 */

/** Counts arrive as JSON numbers inside JSON, and as strings (bigint) at the top level. */
export const countSchema = z.coerce.number().int().nonnegative();
const length = z.number().int().nonnegative().nullable().optional();
const name = (what: string) => z.string().min(1, `${what} is empty`);

/**
 * A text as SQL cut it (left(…) with its whole length), marked as cut, and never longer than the limit whatever the
 * column held.
 */
function shown(text: string, fullLength: number | null | undefined, limit: number): string {
  return fullLength != null && fullLength > text.length ? markCut(text, fullLength) : clipText(text, limit);
}

const messageSchema = z.object({
  id: z.number().int(),
  from_role: name('from_role'),
  to_role: name('to_role'),
  type: z.string(),
  subject: z.string(),
  subject_length: length,
  at_ms: epochMs,
});

const failedSchema = messageSchema.extend({ error: z.string(), error_length: length });

const llmSchema = z.object({
  last_query_ms: epochMs,
  turns_today: countSchema,
  tokens_today: countSchema,
  unreadable_today: countSchema,
});

const agentSchema = z.object({
  role: name('role'),
  tasks_today: countSchema,
  tasks_last_hour: countSchema,
  backlog: countSchema,
  waiting: z.array(z.unknown()),
  failures_total: countSchema,
  failures: z.array(z.unknown()),
  last_sent: z.unknown(),
  llm: z.unknown(),
});

const decisionSchema = z.object({
  id: name('id'),
  decision_type: z.string(),
  initiator_role: z.string(),
  participants: z.array(z.string().nullable()).nullable(),
  mode: z.string(),
  status: z.string(),
  votes: countSchema,
  inserted_at_ms: epochMs,
});

const workflowSchema = z.object({
  kind: z.enum(['workflow', 'flow']),
  id: name('id'),
  name: z.string(),
  status: z.string(),
  pause_reason: z.string().nullable(),
  error: z.string().nullable(),
  error_length: length,
  inserted_at_ms: epochMs,
  updated_at_ms: epochMs,
});

/** Collects what was read, and one reason per row left out (a row in two lists is one problem, not two). */
export class Screen {
  private readonly reasons = new Set<string>();

  get dropped(): string[] {
    return [...this.reasons];
  }

  /** Parses `row`, or notes why it cannot be read (naming it by `label`) and gives null. */
  read<T>(schema: z.ZodType<T>, row: unknown, label: (row: unknown) => string): T | null {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    this.reasons.add(`${label(row)}: ${describeIssues(parsed.error)}`);
    return null;
  }

  note(reason: string): void {
    this.reasons.add(reason);
  }

  all<T>(schema: z.ZodType<T>, rows: readonly unknown[], label: (row: unknown) => string): T[] {
    return rows.flatMap((row) => {
      const read = this.read(schema, row, label);
      return read === null ? [] : [read];
    });
  }
}

const field = (row: unknown, key: string): string =>
  typeof row === 'object' && row !== null && key in row ? String((row as Record<string, unknown>)[key]) : '?';

const messageLabel = (row: unknown): string => `messages ${field(row, 'id')}`;

function toMessage(row: z.infer<typeof messageSchema>): MessageRecord {
  return {
    id: row.id,
    from: clipText(row.from_role, TEXT_LIMITS.label),
    to: clipText(row.to_role, TEXT_LIMITS.label),
    type: clipText(row.type, TEXT_LIMITS.label),
    subject: shown(row.subject, row.subject_length, TEXT_LIMITS.label),
    at: row.at_ms,
  };
}

function toFailed(row: z.infer<typeof failedSchema>): FailedMessage {
  return { ...toMessage(row), error: shown(row.error, row.error_length, TEXT_LIMITS.message) };
}

/** One role's row: its lists screened item by item, its LLM figures with any rows they left out. */
export function readAgent(screen: Screen, row: unknown): AgentWorkRecord | null {
  const agent = screen.read(agentSchema, row, (each) => `agent ${field(each, 'role')}`);
  if (agent === null) return null;
  const lastSent = agent.last_sent == null ? null : screen.read(messageSchema, agent.last_sent, messageLabel);
  const llm = agent.llm == null ? null : screen.read(llmSchema, agent.llm, () => `llm_sessions of ${agent.role}`);
  if (llm !== null && llm.unreadable_today > 0) {
    screen.note(
      `llm_sessions of ${agent.role}: ${String(llm.unreadable_today)} of today's left out (negative turn_count or total_tokens)`,
    );
  }
  return {
    role: clipText(agent.role, TEXT_LIMITS.label),
    tasksToday: agent.tasks_today,
    tasksLastHour: agent.tasks_last_hour,
    backlog: agent.backlog,
    waiting: screen.all(messageSchema, agent.waiting, messageLabel).map(toMessage),
    failures: screen.all(failedSchema, agent.failures, messageLabel).map(toFailed),
    failuresTotal: agent.failures_total,
    lastSent: lastSent && toMessage(lastSent),
    llm: llm && { lastQueryAt: llm.last_query_ms, turnsToday: llm.turns_today, tokensToday: llm.tokens_today },
  };
}

/** A message of the latest, as the agents' own are read. */
export function readMessage(screen: Screen, row: unknown): MessageRecord | null {
  const message = screen.read(messageSchema, row, messageLabel);
  return message && toMessage(message);
}

export function readDecision(screen: Screen, row: unknown): DecisionRecord | null {
  const decision = screen.read(decisionSchema, row, (each) => `decisions ${field(each, 'id')}`);
  if (decision === null) return null;
  return {
    id: decision.id,
    type: clipText(decision.decision_type, TEXT_LIMITS.label),
    initiator: clipText(decision.initiator_role, TEXT_LIMITS.label),
    participants: (decision.participants ?? [])
      .filter((role): role is string => role !== null && role.length > 0)
      .map((role) => clipText(role, TEXT_LIMITS.label)),
    mode: clipText(decision.mode, TEXT_LIMITS.label),
    status: clipText(decision.status, TEXT_LIMITS.label),
    votes: decision.votes,
    insertedAt: decision.inserted_at_ms,
  };
}

export function readWorkflow(screen: Screen, row: unknown): WorkflowRecord | null {
  const label = (each: unknown) =>
    `${field(each, 'kind') === 'flow' ? 'flow_executions' : 'workflow_executions'} ${field(each, 'id')}`;
  const execution = screen.read(workflowSchema, row, label);
  if (execution === null) return null;
  return {
    kind: execution.kind,
    id: clipText(execution.id, TEXT_LIMITS.label),
    name: clipText(execution.name, TEXT_LIMITS.label),
    status: clipText(execution.status, TEXT_LIMITS.label),
    pauseReason: execution.pause_reason === null ? null : clipText(execution.pause_reason, TEXT_LIMITS.label),
    error: execution.error === null ? null : shown(execution.error, execution.error_length, TEXT_LIMITS.message),
    insertedAt: execution.inserted_at_ms,
    updatedAt: execution.updated_at_ms,
  };
}
