import type { EchoWork, MessageView } from '../../shared/echoWorkModel';
import type { EchoWorkData, MessageRecord } from './echoWork';
import { quietUnloadAt } from './modelUnloads';

const iso = (at: number): string => new Date(at).toISOString();
const ageOf = (at: number, now: number): number => Math.max(0, Math.floor((now - at) / 1000));

function viewMessage(message: MessageRecord, now: number): MessageView {
  return {
    id: message.id,
    from: message.from,
    to: message.to,
    type: message.type,
    subject: message.subject,
    at: iso(message.at),
    ageSeconds: ageOf(message.at, now),
  };
}

/** ECHO's work as the views show it: instants as UTC text, ages from the snapshot's time. */
export function viewEchoWork(work: EchoWorkData, now: number): EchoWork {
  return {
    tables: { ...work.tables },
    agents: work.agents.map((agent) => ({
      role: agent.role,
      tasksToday: agent.tasksToday,
      tasksLastHour: agent.tasksLastHour,
      backlog: agent.backlog,
      waiting: agent.waiting.map((message) => viewMessage(message, now)),
      failures: agent.failures.map((message) => ({ ...viewMessage(message, now), error: message.error })),
      failuresTotal: agent.failuresTotal,
      lastSent: agent.lastSent && viewMessage(agent.lastSent, now),
      llm: agent.llm && {
        lastQueryAt: iso(agent.llm.lastQueryAt),
        turnsToday: agent.llm.turnsToday,
        tokensToday: agent.llm.tokensToday,
        quietUnloadInSeconds: Math.max(0, Math.ceil((quietUnloadAt(agent.llm) - now) / 1000)),
      },
    })),
    openDecisions: work.openDecisions.map((decision) => ({
      id: decision.id,
      type: decision.type,
      initiator: decision.initiator,
      participants: [...decision.participants],
      mode: decision.mode,
      status: decision.status,
      votes: decision.votes,
      insertedAt: iso(decision.insertedAt),
      ageSeconds: ageOf(decision.insertedAt, now),
    })),
    openDecisionsTotal: work.openDecisionsTotal,
    workflows: work.workflows.map((workflow) => ({
      kind: workflow.kind,
      id: workflow.id,
      name: workflow.name,
      status: workflow.status,
      pauseReason: workflow.pauseReason,
      error: workflow.error,
      insertedAt: iso(workflow.insertedAt),
      idleSeconds: ageOf(workflow.updatedAt, now),
    })),
    workflowsTotal: work.workflowsTotal,
    latestMessages: work.latestMessages.map((message) => viewMessage(message, now)),
    tasksPerDay: work.tasksPerDay.map((day) => ({ ...day })),
  };
}
