import { formatBytes, formatDuration, formatRole } from '../../shared/format';
import type { AgentView, ResidentModel, SessionView } from '../../shared/model';
import type { MonitorEvent, MonitorEventType } from '../../shared/monitorEvent';
import { agentsFresh, isFresh } from './freshness';
import { isDown } from './sourceHealth';
import type { SnapshotBase } from './snapshot';
import { sourceNameSchema } from '../../shared/model';

type Comparable = Pick<
  SnapshotBase,
  'takenAt' | 'sources' | 'summary' | 'agents' | 'activeSessions' | 'residentModels' | 'residentModelsTotal'
>;

function event(
  at: string,
  type: MonitorEventType,
  subject: string,
  message: string,
  extra: Partial<MonitorEvent> = {},
): MonitorEvent {
  return { id: `${at}:${type}:${subject}`, at, type, origin: 'monitor', message, ...extra };
}

function agentEvents(before: readonly AgentView[], after: readonly AgentView[], at: string): MonitorEvent[] {
  const events: MonitorEvent[] = [];
  const previous = new Map(before.map((agent) => [agent.role, agent]));
  const current = new Map(after.map((agent) => [agent.role, agent]));
  for (const agent of after) {
    const was = previous.get(agent.role);
    const details = { role: agent.role, model: agent.model };
    if (!was) {
      events.push(
        event(at, 'agent_spawned', agent.role, `${formatRole(agent.role)} spawned (${agent.model})`, details),
      );
    } else if (agent.status === 'error' && was.status !== 'error') {
      events.push(event(at, 'agent_crashed', agent.role, `${formatRole(agent.role)} reports an error`, details));
    }
  }
  for (const agent of before) {
    if (current.has(agent.role)) continue;
    const uptime = agent.uptimeSeconds === null ? '' : ` after ${formatDuration(agent.uptimeSeconds)}`;
    events.push(
      event(at, 'agent_stopped', agent.role, `${formatRole(agent.role)} stopped${uptime}`, {
        role: agent.role,
        model: agent.model,
      }),
    );
  }
  return events;
}

function sessionEvents(before: readonly SessionView[], after: readonly SessionView[], at: string): MonitorEvent[] {
  const previous = new Set(before.map((session) => session.sessionId));
  const current = new Set(after.map((session) => session.sessionId));
  return [
    ...after
      .filter((session) => !previous.has(session.sessionId))
      .map((session) =>
        event(
          at,
          'session_started',
          session.sessionId,
          `Session started: ${session.category}, ${session.description ?? 'no description'}`,
          {
            sessionId: session.sessionId,
          },
        ),
      ),
    ...before
      .filter((session) => !current.has(session.sessionId))
      .map((session) =>
        event(
          at,
          'session_ended',
          session.sessionId,
          `Session ended: ${session.category} after ${formatDuration(session.durationSeconds)}`,
          {
            sessionId: session.sessionId,
          },
        ),
      ),
  ];
}

/** Ollama's whole list, or null: a list cut to the biggest models drops a small one that is still loaded. */
function wholeModelList(snapshot: Comparable): readonly ResidentModel[] | null {
  const models = snapshot.residentModels;
  return models !== null && models.length === snapshot.residentModelsTotal ? models : null;
}

/**
 * Models Ollama loaded or unloaded since the last list it gave. A stale
 * snapshot still holds that last good list, so the first answer after Ollama
 * was down is compared with it; a list that is not fresh now is never read as
 * models unloading.
 */
function modelEvents(before: Comparable, after: Comparable): MonitorEvent[] {
  const was = wholeModelList(before);
  const now = wholeModelList(after);
  if (was === null || now === null || !isFresh(after.sources.ollama)) return [];
  const previous = new Set(was.map((model) => model.name));
  const current = new Set(now.map((model) => model.name));
  const at = after.takenAt;
  return [
    ...now
      .filter((model) => !previous.has(model.name))
      .map((model) => {
        // Ollama gave no size: the figure is the estimate rule's, marked as the dashboard marks estimates.
        const size = `${model.sizeFrom === 'estimate' ? '~' : ''}${formatBytes(model.sizeBytes)}`;
        return event(at, 'model_loaded', model.name, `Ollama loaded ${model.name} (${size})`, { model: model.name });
      }),
    ...was
      .filter((model) => !current.has(model.name))
      .map((model) => event(at, 'model_unloaded', model.name, `Ollama unloaded ${model.name}`, { model: model.name })),
  ];
}

function sourceEvents(before: Comparable | null, after: Comparable): MonitorEvent[] {
  const events: MonitorEvent[] = [];
  for (const name of sourceNameSchema.options) {
    const was = before?.sources[name];
    const now = after.sources[name];
    if (isDown(now) && (was === undefined || !isDown(was))) {
      events.push(event(after.takenAt, 'source_down', name, `${name} is unavailable: ${now.error ?? 'no answer'}`));
    } else if (was !== undefined && isDown(was) && isFresh(now)) {
      events.push(event(after.takenAt, 'source_up', name, `${name} is back`));
    }
  }
  return events;
}

/**
 * What changed between two snapshots, so the event stream works even when
 * the delegator announces nothing. Lists read from a failing source are not
 * compared: a source going down must not look like every agent stopping.
 */
/** A list built from other sources is not comparable: a registry appearing must not look like agents starting. */
const sameSources = (a: readonly string[] | null, b: readonly string[] | null): boolean => a?.join() === b?.join();

export function diffSnapshots(before: Comparable | null, after: Comparable): MonitorEvent[] {
  const events = sourceEvents(before, after);
  if (before === null) return events;
  if (agentsFresh(before) && agentsFresh(after) && sameSources(before.summary.agentsFrom, after.summary.agentsFrom)) {
    events.push(...agentEvents(before.agents ?? [], after.agents ?? [], after.takenAt));
  }
  if (isFresh(before.sources.postgres) && isFresh(after.sources.postgres)) {
    events.push(...sessionEvents(before.activeSessions ?? [], after.activeSessions ?? [], after.takenAt));
  }
  events.push(...modelEvents(before, after));
  return events;
}
