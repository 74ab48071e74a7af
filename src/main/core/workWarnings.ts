import type { EchoWork } from '../../shared/echoWorkModel';
import { formatDuration, formatRole } from '../../shared/format';
import type { Warning } from '../../shared/model';

/** How long ECHO's work may wait before it is worth a word. */
export interface WorkWarningSettings {
  /** An agent's oldest unread message older than this: it is not getting through its work. */
  readonly backlogAfterSeconds: number;
  /** A decision still open this long after it was opened. */
  readonly decisionAfterSeconds: number;
  /** A workflow paused this long. */
  readonly pausedAfterSeconds: number;
}

export const DEFAULT_WORK_WARNING_SETTINGS: WorkWarningSettings = {
  backlogAfterSeconds: 600,
  decisionAfterSeconds: 900,
  pausedAfterSeconds: 1800,
};

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

/**
 * ECHO's delegator hears its messages on `messages:delegator` and marks none
 * of them read, so every answer sent to it stays unread for good: a backlog
 * there says nothing of whether it runs or keeps up.
 */
const NEVER_MARKS_READ = new Set(['delegator']);

function backlogWarnings(work: EchoWork, settings: WorkWarningSettings): Warning[] {
  return work.agents.flatMap((agent) => {
    if (NEVER_MARKS_READ.has(agent.role)) return [];
    const oldest = agent.waiting[0];
    if (oldest === undefined || oldest.ageSeconds < settings.backlogAfterSeconds) return [];
    return [
      {
        kind: 'agent-backlog' as const,
        role: agent.role,
        message: `${formatRole(agent.role)} has ${plural(agent.backlog, 'task', 'tasks')} waiting, oldest ${formatDuration(oldest.ageSeconds)} ("${oldest.subject}" from ${formatRole(oldest.from)}): it may not be running, or not keeping up.`,
      },
    ];
  });
}

function decisionWarnings(work: EchoWork, settings: WorkWarningSettings): Warning[] {
  return work.openDecisions
    .filter((decision) => decision.ageSeconds >= settings.decisionAfterSeconds)
    .map((decision) => ({
      kind: 'decision-waiting' as const,
      role: decision.initiator,
      message: `Decision ${decision.type} (${decision.id}) opened by ${formatRole(decision.initiator)} is ${decision.status} after ${formatDuration(decision.ageSeconds)}, with ${plural(decision.votes, 'vote', 'votes')}${decision.participants.length > 0 ? ` of ${decision.participants.length} participants` : ''}.`,
    }));
}

function workflowWarnings(work: EchoWork, settings: WorkWarningSettings): Warning[] {
  return work.workflows.flatMap((workflow): Warning[] => {
    const what = `${workflow.kind === 'flow' ? 'Flow' : 'Workflow'} ${workflow.name} (${workflow.id})`;
    if (workflow.status === 'failed') {
      return [
        { kind: 'workflow-failed', message: `${what} failed${workflow.error === null ? '.' : `: ${workflow.error}`}` },
      ];
    }
    if (workflow.status === 'paused' && workflow.idleSeconds >= settings.pausedAfterSeconds) {
      return [
        {
          kind: 'workflow-paused',
          message: `${what} has been paused for ${formatDuration(workflow.idleSeconds)}${workflow.pauseReason === null ? '.' : `: ${workflow.pauseReason}`}`,
        },
      ];
    }
    return [];
  });
}

/** What in ECHO's own records waits too long or failed, in words a person can act on. */
export function workWarnings(
  work: EchoWork | null,
  settings: WorkWarningSettings = DEFAULT_WORK_WARNING_SETTINGS,
): Warning[] {
  if (work === null) return [];
  return [...backlogWarnings(work, settings), ...decisionWarnings(work, settings), ...workflowWarnings(work, settings)];
}
