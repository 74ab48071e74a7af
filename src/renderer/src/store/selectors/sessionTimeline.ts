import { formatRole } from '../../../../shared/format';
import type { Snapshot } from '../../../../shared/model';
import type { MonitorEvent, MonitorEventType, ResourceSample } from '../../../../shared/monitorEvent';
import { laneSpans, type LaneChange, type OnNow, type TimelineSpan } from './timelineSpans';
import { logKnownFrom, unwatchedIn, watchedStretches, watchKnowledge, type TimeStretch } from './timelineWatch';

export type { SpanEnd, TimelineSpan } from './timelineSpans';
export type { TimeStretch } from './timelineWatch';

/**
 * `task`: the delegator handed an agent a task; `decision`: one of ECHO's decisions moved; `error`: an agent reported
 * an error.
 */
export type TimelineMarkKind = 'task' | 'decision' | 'error';

export interface TimelineMark {
  readonly id: string;
  readonly at: number;
  readonly kind: TimelineMarkKind;
  /** The event's own words, as the event stream shows them. */
  readonly text: string;
}

/** One row: an agent's role or a model, with its spans and the marks that belong to it. */
export interface TimelineLane {
  readonly key: string;
  readonly name: string;
  readonly spans: readonly TimelineSpan[];
  readonly marks: readonly TimelineMark[];
}

/**
 * Whether the event log reaches back over the range: `whole`; `part`, from
 * `knownFrom` on (older events have left the log, or came before the monitor
 * first ran); `none`: the range lies before anything the log holds.
 */
export interface TimelineCoverage {
  readonly kind: 'whole' | 'part' | 'none';
  readonly knownFrom: number | null;
}

export interface TimelineView {
  readonly from: number;
  readonly to: number;
  readonly agents: readonly TimelineLane[];
  readonly models: readonly TimelineLane[];
  readonly tasks: readonly TimelineMark[];
  readonly decisions: readonly TimelineMark[];
  /** Times in the range the monitor was not running: nothing was seen then. */
  readonly unwatched: readonly TimeStretch[];
  readonly coverage: TimelineCoverage;
  /** The agents' highest memory sampled in the range, RAM and GPU together; null where none was. */
  readonly peakMemory: { readonly bytes: number; readonly at: number } | null;
}

/**
 * What the latest snapshot says is on: each agent's role and each model, with when it began where known; null where
 * that list was not read.
 */
export interface RunningNow {
  readonly at: number;
  readonly agents: ReadonlyMap<string, number | null> | null;
  readonly models: ReadonlyMap<string, number | null> | null;
}

export interface TimelineInput {
  readonly range: TimeStretch;
  /** The event log, oldest first, as the store holds it. */
  readonly events: readonly MonitorEvent[];
  readonly series: readonly ResourceSample[];
  /** How many events the log keeps: a log this long has let older ones go. */
  readonly logLimit: number;
  readonly running: RunningNow | null;
}

const AGENT_CHANGES: Partial<Record<MonitorEventType, LaneChange['kind']>> = {
  agent_spawned: 'start',
  agent_stopped: 'stopped',
  agent_crashed: 'crashed',
};

const MARKS: Partial<Record<MonitorEventType, TimelineMarkKind>> = {
  task_delegated: 'task',
  decision_new: 'decision',
  decision_vote_required: 'decision',
  decision_completed: 'decision',
  decision_escalated: 'decision',
};

const markOf = (event: MonitorEvent, kind: TimelineMarkKind): TimelineMark => ({
  id: event.id,
  at: Date.parse(event.at),
  kind,
  text: event.message,
});

/**
 * An agent's change. The monitor's own `agent_crashed` is an agent whose
 * status turned to error while it still runs: a mark on its row, not an end;
 * the delegator's means its process died.
 */
function agentChange(event: MonitorEvent): LaneChange | null {
  const kind = AGENT_CHANGES[event.type];
  if (kind === undefined || event.role === undefined) return null;
  const seenOnly = event.type === 'agent_crashed' && event.origin === 'monitor';
  return { at: Date.parse(event.at), key: event.role, kind: seenOnly ? 'seen' : kind };
}

function modelChange(event: MonitorEvent): LaneChange | null {
  if (event.model === undefined) return null;
  if (event.type === 'model_loaded') return { at: Date.parse(event.at), key: event.model, kind: 'start' };
  if (event.type === 'model_unloaded') return { at: Date.parse(event.at), key: event.model, kind: 'unloaded' };
  return null;
}

const onNow = (running: RunningNow | null, part: 'agents' | 'models'): OnNow | null => {
  const on = running?.[part] ?? null;
  return running === null || on === null ? null : { at: running.at, on };
};

/** Rows in the order things began, so a task reads from top to bottom; a tie by name. */
function lanesOf(
  spans: ReadonlyMap<string, TimelineSpan[]>,
  marks: ReadonlyMap<string, TimelineMark[]>,
  nameOf: (key: string) => string,
): TimelineLane[] {
  const keys = new Set([...spans.keys(), ...marks.keys()]);
  return [...keys]
    .map((key) => ({ key, name: nameOf(key), spans: spans.get(key) ?? [], marks: marks.get(key) ?? [] }))
    .sort((a, b) => {
      const first = (lane: TimelineLane): number => lane.spans[0]?.from ?? lane.marks[0]?.at ?? Infinity;
      return first(a) - first(b) || a.name.localeCompare(b.name);
    });
}

function coverageOf(knownFrom: number | null, range: TimeStretch): TimelineCoverage {
  if (knownFrom === null || knownFrom > range.to) return { kind: 'none', knownFrom };
  return { kind: knownFrom <= range.from ? 'whole' : 'part', knownFrom };
}

function peakIn(series: readonly ResourceSample[], range: TimeStretch): TimelineView['peakMemory'] {
  let peak: TimelineView['peakMemory'] = null;
  for (const sample of series) {
    const at = Date.parse(sample.at);
    if (at < range.from || at > range.to || sample.memoryBytes === null) continue;
    if (peak === null || sample.memoryBytes > peak.bytes) peak = { bytes: sample.memoryBytes, at };
  }
  return peak;
}

/**
 * A session's or a time range's timeline: each agent's running spans and
 * each model's loaded spans, the delegator's tasks and ECHO's decisions as
 * marks, all inside the range, with what the monitor could not have seen
 * (times it was not running, events older than its log) said apart.
 */
export function selectTimeline(input: TimelineInput): TimelineView {
  const { range, events, series } = input;
  const stretches = watchedStretches(series);
  const knownFrom = logKnownFrom(events, series, input.logLimit);
  const watch = watchKnowledge(stretches, knownFrom);
  const inRange = (at: number): boolean => at >= range.from && at <= range.to;
  const agentChanges = events.flatMap((event) => agentChange(event) ?? []);
  const modelChanges = events.flatMap((event) => modelChange(event) ?? []);
  const errors = new Map<string, TimelineMark[]>();
  const tasks: TimelineMark[] = [];
  const decisions: TimelineMark[] = [];
  for (const event of events) {
    const at = Date.parse(event.at);
    if (!inRange(at)) continue;
    const kind = MARKS[event.type];
    if (kind === 'task') tasks.push(markOf(event, kind));
    if (kind === 'decision') decisions.push(markOf(event, kind));
    if (event.type === 'agent_crashed' && event.origin === 'monitor' && event.role !== undefined) {
      errors.set(event.role, [...(errors.get(event.role) ?? []), markOf(event, 'error')]);
    }
  }
  const byTime = (a: TimelineMark, b: TimelineMark): number => a.at - b.at;
  return {
    from: range.from,
    to: range.to,
    agents: lanesOf(laneSpans(agentChanges, range, watch, onNow(input.running, 'agents')), errors, formatRole),
    models: lanesOf(laneSpans(modelChanges, range, watch, onNow(input.running, 'models')), new Map(), (key) => key),
    tasks: tasks.sort(byTime),
    decisions: decisions.sort(byTime),
    unwatched: unwatchedIn(stretches, range.from, range.to),
    coverage: coverageOf(knownFrom, range),
    peakMemory: peakIn(series, range),
  };
}

const usable = (state: Snapshot['sources']['postgres']['state']): boolean => state === 'ok' || state === 'no-data';

/**
 * What runs and what Ollama holds, from the latest snapshot, where it was
 * read this poll: a list kept from an earlier poll may hold something gone
 * since, and a list cut to its first entries leaves some out.
 */
export function runningNowOf(snapshot: Snapshot): RunningNow {
  const at = Date.parse(snapshot.takenAt);
  const { sources, agents, residentModels } = snapshot;
  const agentsRead = agents !== null && usable(sources.postgres.state) && usable(sources.registry.state);
  const wholeAgents = agentsRead && agents.length === snapshot.summary.activeAgents;
  const modelsRead =
    sources.ollama.state === 'ok' && residentModels !== null && residentModels.length === snapshot.residentModelsTotal;
  return {
    at,
    agents: wholeAgents
      ? new Map(
          agents.map((agent) => {
            const since = agent.spawnedAt === null ? null : Date.parse(agent.spawnedAt);
            const byUptime = agent.uptimeSeconds === null ? null : at - agent.uptimeSeconds * 1000;
            return [agent.role, since ?? byUptime];
          }),
        )
      : null,
    // Ollama does not say when it loaded a model.
    models: modelsRead ? new Map(residentModels.map((model) => [model.name, null])) : null,
  };
}
