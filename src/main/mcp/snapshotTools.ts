import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { formatBytes, formatRole } from '../../shared/format';
import { snapshotSchema, summarySchema, type AgentView, type Snapshot, type Summary } from '../../shared/model';
import { OPERATIONS } from '../../shared/operations';
import { escapeControls } from '../../shared/terminalText';
import { agentWorkParts } from '../../shared/workText';
import type { MonitorService } from '../monitor/monitorService';
import type { SnapshotTexts } from './snapshotTexts';
import { answer, downSources, refusal, sourcesDownField } from './toolAnswers';
import { defineTool, READ_ONLY, type Tool } from './toolDefinition';

export interface SnapshotToolParts {
  readonly service: Pick<MonitorService, 'getSnapshot'>;
  readonly texts: SnapshotTexts;
}

/** The latest poll's snapshot, or the reason there is none yet. */
export function withSnapshot(
  service: Pick<MonitorService, 'getSnapshot'>,
  answerFrom: (snapshot: Snapshot) => CallToolResult,
): CallToolResult {
  const snapshot = service.getSnapshot();
  return snapshot === null
    ? refusal(`No snapshot yet: ${OPERATIONS.getSnapshot.http.nullAnswer ?? 'the monitor has not polled'}.`)
    : answerFrom(snapshot);
}

const shape = snapshotSchema.shape;
const noArguments = z.object({});

/** What was read and what the estimate rule gives, side by side: a model should not pass one off as the other. */
function memoryLine(summary: Summary): string {
  const measured =
    summary.measuredMemoryBytes === null ? 'nothing measured' : `${formatBytes(summary.measuredMemoryBytes)} measured`;
  const estimated =
    summary.estimatedMemoryBytes === null ? 'no estimate' : `${formatBytes(summary.estimatedMemoryBytes)} estimated`;
  return `Agents' memory: ${measured} (Ollama's sizes and the processes' resident memory), ${estimated} (1 GB per billion parameters)`;
}

function alertLines(snapshot: Snapshot): string[] {
  if (snapshot.alerts.length === 0) return ['No alert.'];
  return snapshot.alerts.map(
    (alert) =>
      `${alert.severity.toUpperCase()}: ${escapeControls(alert.message)}${alert.suggestedAction === null ? '' : ` ${escapeControls(alert.suggestedAction)}.`}`,
  );
}

function summaryTool({ service, texts }: SnapshotToolParts): Tool {
  return defineTool({
    name: 'summary',
    title: 'Monitor summary',
    description:
      "The state of the user's ECHO multi-agent system at a glance: how many agents run, their memory (measured and estimated), this machine's RAM, GPU memory and free memory, the alerts that fire, and whether each source (PostgreSQL, the registry, Ollama) could be read. Call it first, for any question about what ECHO is running or costing now; `today` is the user's local date, which `history` and `stats` take. A source that is down is named as down, and what only it could tell is null, not zero.",
    input: noArguments,
    output: snapshotSchema
      .pick({ takenAt: true, today: true, timeZone: true, sources: true, summary: true, alerts: true })
      .extend(sourcesDownField),
    annotations: READ_ONLY,
    run: () =>
      withSnapshot(service, (snapshot) =>
        answer(
          [
            texts.header(snapshot),
            texts.agents(snapshot)[0] ?? '',
            texts.sessions(snapshot)[0] ?? '',
            memoryLine(snapshot.summary),
            ...alertLines(snapshot),
          ],
          {
            takenAt: snapshot.takenAt,
            today: snapshot.today,
            timeZone: snapshot.timeZone,
            sources: snapshot.sources,
            summary: snapshot.summary,
            alerts: snapshot.alerts,
            sourcesDown: downSources(snapshot),
          },
        ),
      ),
  });
}

function agentsTool({ service, texts }: SnapshotToolParts): Tool {
  return defineTool({
    name: 'agents',
    title: "ECHO's agents",
    description:
      "Each ECHO agent running now: its role, its model and whether Ollama holds that model loaded, the model's memory and its own process's, uptime, how long since its last heartbeat, its copies on this machine (more than one means ECHO handles each message more than once), its host and pid, and which sources saw it. Give `role` (as `senior_developer`) for one agent. Memory figures say whether they were measured or estimated.",
    input: z.object({
      role: z.string().min(1).max(255).optional().describe('One role, as ECHO names it (`cto`, `senior_developer`)'),
    }),
    output: z.object({
      takenAt: shape.takenAt,
      activeAgents: summarySchema.shape.activeAgents,
      agentsFrom: summarySchema.shape.agentsFrom,
      agents: shape.agents,
      ...sourcesDownField,
    }),
    annotations: READ_ONLY,
    run: ({ role }) =>
      withSnapshot(service, (snapshot) => {
        const agents =
          role === undefined || snapshot.agents === null
            ? snapshot.agents
            : snapshot.agents.filter((agent) => agent.role === role);
        return answer(
          role === undefined || agents === null ? texts.agents(snapshot) : oneRoleLines(snapshot, role, agents, texts),
          {
            takenAt: snapshot.takenAt,
            activeAgents: snapshot.summary.activeAgents,
            agentsFrom: snapshot.summary.agentsFrom,
            agents,
            sourcesDown: downSources(snapshot),
          },
        );
      }),
  });
}

/**
 * One role's rows of the agents' table, under a line of their own: the
 * table's title counts and sums every agent, and would call the others
 * left out.
 */
function oneRoleLines(
  snapshot: Snapshot,
  role: string,
  agents: readonly AgentView[],
  texts: SnapshotTexts,
): readonly string[] {
  const running = snapshot.summary.activeAgents ?? snapshot.agents?.length ?? 0;
  const name = escapeControls(formatRole(role));
  if (agents.length === 0) return [`No agent ${escapeControls(role)} runs now, of ${String(running)} running.`];
  const [, ...table] = texts.agents({
    ...snapshot,
    agents: [...agents],
    summary: { ...snapshot.summary, activeAgents: agents.length },
  });
  return [
    `${name}, ${agents.length === 1 ? 'one agent' : `${String(agents.length)} agents`} of ${String(running)} running:`,
    ...table,
  ];
}

function sessionsTool({ service, texts }: SnapshotToolParts): Tool {
  return defineTool({
    name: 'sessions',
    title: "The delegator's sessions",
    description:
      "The delegator's active sessions (category, agents, start, duration, description) and today's figures, from ECHO's `delegator_sessions` table. `sessionsRecorded` false means this ECHO keeps its sessions in memory only and records none: an empty list is then no sign of idleness. For another day, call `history`; for a range, `stats`.",
    input: noArguments,
    output: z.object({
      takenAt: shape.takenAt,
      today: shape.today,
      sessionsRecorded: shape.sessionsRecorded,
      activeSessions: shape.activeSessions,
      todaySessions: shape.history,
      todayStats: shape.stats,
      ...sourcesDownField,
    }),
    annotations: READ_ONLY,
    run: () =>
      withSnapshot(service, (snapshot) =>
        answer(texts.sessions(snapshot), {
          takenAt: snapshot.takenAt,
          today: snapshot.today,
          sessionsRecorded: snapshot.sessionsRecorded,
          activeSessions: snapshot.activeSessions,
          todaySessions: snapshot.historyDate === snapshot.today ? snapshot.history : null,
          todayStats: snapshot.historyDate === snapshot.today ? snapshot.stats : null,
          sourcesDown: downSources(snapshot, ['postgres']),
        }),
      ),
  });
}

/** Each agent's backlog and last activity, one line each, for the agents with something to say. */
function backlogLines(snapshot: Snapshot): string[] {
  const now = Date.parse(snapshot.takenAt);
  return (snapshot.work?.agents ?? []).flatMap((work) => {
    const parts = agentWorkParts(work, now);
    return parts.length === 0
      ? []
      : [`  ${escapeControls(formatRole(work.role))}: ${parts.map(escapeControls).join(' · ')}`];
  });
}

function echoWorkTool({ service, texts }: SnapshotToolParts): Tool {
  return defineTool({
    name: 'echo_work',
    title: "ECHO's work",
    description:
      "What ECHO records of its own work, from its tables: each agent's backlog (messages to it still unread, the oldest's age, failures), its last message and model call, the open decisions and their votes, the workflows running, paused or failed, and the newest messages. Call it to see whether an agent is stuck, busy or idle, or what the agents are discussing.",
    input: noArguments,
    output: z.object({ takenAt: shape.takenAt, work: shape.work, ...sourcesDownField }),
    annotations: READ_ONLY,
    run: () =>
      withSnapshot(service, (snapshot) => {
        const work = snapshot.work;
        const backlog = backlogLines(snapshot);
        const lines =
          work === null
            ? ["ECHO's records are unknown: PostgreSQL has not been read."]
            : [
                ...(backlog.length === 0
                  ? ['BACKLOGS    none: no agent has messages waiting or failures']
                  : ['BACKLOGS', ...backlog]),
                ...(texts.work(snapshot).length === 0
                  ? ['No open decision, and no workflow running, paused or failed.']
                  : texts.work(snapshot)),
              ];
        return answer(lines, { takenAt: snapshot.takenAt, work, sourcesDown: downSources(snapshot, ['postgres']) });
      }),
  });
}

/** The tools answered from the latest snapshot, as every view of the monitor is. */
export function snapshotTools(parts: SnapshotToolParts): Tool[] {
  return [summaryTool(parts), agentsTool(parts), sessionsTool(parts), echoWorkTool(parts)];
}
