import { formatDuration, formatGb, formatRole, SOURCE_LABELS } from '../../../shared/format';
import { fitText } from '../../../shared/forecastText';
import type {
  AdmissionForecast,
  AgentView,
  CpuLoad,
  MonitorEvent,
  ResourceSample,
  SessionStats,
  SessionView,
  Snapshot,
  SourceHealth,
  SourceName,
} from '../../../shared/model';
import { sourceNameSchema } from '../../../shared/model';

/** A figure for a card: its text, and whether it comes from a source that is not answering now. */
export interface Figure {
  readonly text: string;
  readonly stale: boolean;
}

const UNKNOWN = '—';

function figure(value: number | null, stale: boolean, format: (value: number) => string = String): Figure {
  // Unknown is a dash, never a zero.
  return { text: value === null ? UNKNOWN : format(value), stale: value !== null && stale };
}

const isStale = (health: SourceHealth): boolean => health.state === 'stale';

/** Whether the agent list is a failing source's last reading. */
export function agentsStale(snapshot: Snapshot): boolean {
  const from = snapshot.summary.agentsFrom;
  return from === null ? false : isStale(from === 'registry' ? snapshot.sources.registry : snapshot.sources.postgres);
}

interface Kpis {
  readonly activeAgents: Figure;
  readonly cpuLoad: CpuLoad | null;
  readonly memory: Figure;
  readonly memoryNote: string;
  readonly activeSessions: Figure;
  readonly totalToday: Figure;
}

/** The seed's "savings vs all agents", from the figure the monitor computed rather than a fixed table. */
export function savingsText(savingsPct: number | null): string {
  if (savingsPct === null) return '';
  return savingsPct > 0 ? `${savingsPct}% savings vs all agents` : 'Running every agent';
}

export function selectKpis(snapshot: Snapshot): Kpis {
  const { summary } = snapshot;
  const postgresStale = isStale(snapshot.sources.postgres);
  const source = summary.memorySource === null ? '' : ` · ${summary.memorySource}`;
  return {
    activeAgents: figure(summary.activeAgents, agentsStale(snapshot)),
    cpuLoad: summary.cpuLoad,
    memory: figure(summary.memoryGb, agentsStale(snapshot), (gb) => formatGb(gb)),
    memoryNote: `${savingsText(summary.savingsPct)}${source}`.replace(/^ · /, ''),
    activeSessions: figure(summary.activeSessions, postgresStale),
    totalToday: figure(summary.sessionsToday, postgresStale),
  };
}

/**
 * Seconds from `startedAt` to now as the monitor sees it: the snapshot's
 * `takenAt` moved on by the local clock since it arrived, so durations tick
 * every second between polls without asking the server.
 */
export function liveSeconds(startedAt: string, takenAt: string, receivedAt: number, now: number): number {
  const serverNow = Date.parse(takenAt) + Math.max(0, now - receivedAt);
  return Math.max(0, Math.floor((serverNow - Date.parse(startedAt)) / 1000));
}

export interface AgentRow {
  readonly role: string;
  readonly name: string;
  readonly initials: string;
  readonly model: string;
  readonly memoryText: string;
  readonly readings: string;
  /** Set when the readings disagree enough to doubt the estimate. */
  readonly drift: string | null;
  readonly spawnedAt: string | null;
  /** Ollama holds the agent's model, so it can be asked to let it go. */
  readonly unloadable: boolean;
}

/** Ollama's figure this far from the estimate, either way, is worth a flag. */
const DRIFT_RATIO = 0.3;

export function driftOf(agent: AgentView): string | null {
  const { estimatedGb, ollamaGb } = agent.memory;
  if (ollamaGb === null || estimatedGb <= 0) return null;
  const ratio = ollamaGb / estimatedGb - 1;
  if (Math.abs(ratio) < DRIFT_RATIO) return null;
  return `Ollama reports ${formatGb(ollamaGb)}, ${Math.round(Math.abs(ratio) * 100)}% ${ratio > 0 ? 'above' : 'below'} the ${formatGb(estimatedGb)} estimate`;
}

export function selectAgentRows(agents: readonly AgentView[]): AgentRow[] {
  return agents.map((agent) => {
    const { estimatedGb, ollamaGb, processGb } = agent.memory;
    const readings = [
      `estimate ${formatGb(estimatedGb)}`,
      ollamaGb === null ? null : `Ollama ${formatGb(ollamaGb)}`,
      processGb === null ? null : `process ${formatGb(processGb)}`,
    ].filter((part): part is string => part !== null);
    return {
      role: agent.role,
      name: formatRole(agent.role),
      initials: agent.role.slice(0, 2).toUpperCase(),
      model: agent.model,
      memoryText: `~${formatGb(agent.memoryGb)}`,
      readings: readings.join(' · '),
      drift: driftOf(agent),
      spawnedAt: agent.spawnedAt,
      unloadable: ollamaGb !== null,
    };
  });
}

export interface ForecastRow {
  readonly category: string;
  readonly agentsText: string;
  readonly needText: string;
  readonly freeText: string;
  readonly fits: boolean | null;
  readonly fitText: string;
}

export function selectForecastRows(forecast: AdmissionForecast): ForecastRow[] {
  return forecast.categories.map((entry) => ({
    category: entry.category,
    agentsText: entry.agents.map(formatRole).join(', '),
    needText: `+${formatGb(entry.needGb)}`,
    freeText: entry.freeGb === null ? UNKNOWN : formatGb(entry.freeGb),
    fits: entry.fits,
    fitText: fitText(entry.fits),
  }));
}

/**
 * The next value, with every top-level part whose content equals the previous
 * one's replaced by that previous part. A snapshot arrives as all-new objects;
 * sharing what did not change lets each section (and each memoised row) see
 * "unchanged" by identity and skip its redraw, without each comparing on its own.
 */
export function keepUnchangedParts<T extends object>(previous: T | null, next: T): T {
  if (previous === null) return next;
  const merged = { ...next };
  for (const key of Object.keys(next) as Array<keyof T>) {
    if (JSON.stringify(previous[key]) === JSON.stringify(next[key])) merged[key] = previous[key];
  }
  return merged;
}

export interface HistoryRow {
  readonly sessionId: string;
  readonly category: string;
  readonly description: string;
  readonly agents: number;
  /** A fixed duration for an ended session; null while it runs (shown live, or as "Active"). */
  readonly durationText: string | null;
  readonly status: string;
  readonly startedAt: string;
}

export function selectHistoryRows(sessions: readonly SessionView[]): HistoryRow[] {
  return sessions.map((session) => ({
    sessionId: session.sessionId,
    category: session.category,
    description: session.description ?? 'N/A',
    agents: session.totalAgentsSpawned,
    durationText: session.endedAt === null ? null : formatDuration(session.durationSeconds),
    status: session.status,
    startedAt: session.startedAt,
  }));
}

export interface StatsView {
  readonly totalSessions: number;
  readonly sessionsPerDay: ReadonlyArray<{ date: string; count: number }>;
  readonly categories: ReadonlyArray<{ category: string; count: number }>;
  readonly avgAgentsText: string;
  readonly avgDurationText: string;
  readonly errorRateText: string;
}

export function selectStatsView(stats: SessionStats): StatsView {
  const errors = stats.statusBreakdown.error ?? 0;
  return {
    totalSessions: stats.totalSessions,
    sessionsPerDay: stats.sessionsPerDay,
    categories: Object.entries(stats.categoryBreakdown)
      .map(([category, count]) => ({ category, count }))
      .sort((a, b) => b.count - a.count || a.category.localeCompare(b.category)),
    avgAgentsText: stats.totalSessions === 0 ? UNKNOWN : stats.avgAgentsPerSession.toFixed(1),
    avgDurationText: stats.avgDurationSeconds === null ? UNKNOWN : formatDuration(stats.avgDurationSeconds),
    errorRateText: stats.totalSessions === 0 ? UNKNOWN : `${Math.round((errors / stats.totalSessions) * 100)}%`,
  };
}

export interface ChartPoint {
  readonly at: number;
  readonly memoryGb: number | null;
  readonly measuredGb: number | null;
  readonly estimatedGb: number | null;
  readonly machineRamGb: number;
  readonly agents: number | null;
}

export interface ChartMark {
  readonly at: number;
  readonly label: string;
  readonly kind: 'spawn' | 'stop' | 'session';
}

const MARKS: Partial<Record<MonitorEvent['type'], ChartMark['kind']>> = {
  agent_spawned: 'spawn',
  agent_stopped: 'stop',
  agent_crashed: 'stop',
  session_started: 'session',
  session_ended: 'session',
};

/** The resource chart: its points, and the spawns, stops and sessions that fall inside them. */
/** About one point per two pixels of a wide chart; a day of 5 s samples is 17,280. */
export const CHART_POINTS = 480;

const highest = (values: ReadonlyArray<number | null>): number | null =>
  values.reduce<number | null>((top, value) => (value === null ? top : Math.max(top ?? value, value)), null);

/**
 * At most `limit` points, each the highest reading of an equal stretch of
 * time (a spike must survive the thinning), drawn at the stretch's last sample.
 */
export function downsample(points: readonly ChartPoint[], limit: number): ChartPoint[] {
  const first = points[0];
  const last = points.at(-1);
  if (points.length <= limit || first === undefined || last === undefined) return [...points];
  const span = (last.at - first.at) / limit || 1;
  const buckets: ChartPoint[][] = [];
  for (const point of points) {
    const index = Math.min(limit - 1, Math.floor((point.at - first.at) / span));
    (buckets[index] ??= []).push(point);
  }
  return buckets.flatMap((bucket) => {
    const end = bucket.at(-1);
    if (end === undefined) return [];
    return [
      {
        at: end.at,
        memoryGb: highest(bucket.map((point) => point.memoryGb)),
        measuredGb: highest(bucket.map((point) => point.measuredGb)),
        estimatedGb: highest(bucket.map((point) => point.estimatedGb)),
        machineRamGb: end.machineRamGb,
        agents: highest(bucket.map((point) => point.agents)),
      },
    ];
  });
}

export function selectChart(series: readonly ResourceSample[], events: readonly MonitorEvent[]): { points: ChartPoint[]; marks: ChartMark[] } {
  const points = downsample(
    series.map((sample) => ({
      at: Date.parse(sample.at),
      memoryGb: sample.memoryGb,
      measuredGb: sample.measuredGb,
      estimatedGb: sample.estimatedGb,
      machineRamGb: sample.machineRamGb,
      agents: sample.agents,
    })),
    CHART_POINTS,
  );
  const first = points[0]?.at ?? Infinity;
  const marks = events.flatMap((event) => {
    const kind = MARKS[event.type];
    const at = Date.parse(event.at);
    return kind === undefined || at < first ? [] : [{ at, label: event.message, kind }];
  });
  return { points, marks };
}

export interface SourceBadge {
  readonly source: SourceName;
  readonly label: string;
  readonly state: SourceHealth['state'];
  readonly text: string;
}


export function selectSourceBadges(snapshot: Snapshot, formatTime: (instant: string) => string): SourceBadge[] {
  return sourceNameSchema.options.map((source) => {
    const health = snapshot.sources[source];
    const text =
      health.state === 'ok'
        ? 'ok'
        : health.state === 'no-data'
          ? 'not used'
          : health.state === 'stale' && health.lastOkAt !== null
            ? `stale since ${formatTime(health.lastOkAt)}: ${health.error ?? 'no answer'}`
            : `error: ${health.error ?? 'no answer'}`;
    return { source, label: SOURCE_LABELS[source], state: health.state, text };
  });
}

/** Events newest first, grouped by local day for the stream. */
export function groupEventsByDay(events: readonly MonitorEvent[], dayOf: (instant: string) => string): Array<{ day: string; events: MonitorEvent[] }> {
  const groups: Array<{ day: string; events: MonitorEvent[] }> = [];
  for (const event of [...events].reverse()) {
    const day = dayOf(event.at);
    const last = groups.at(-1);
    if (last?.day === day) last.events.push(event);
    else groups.push({ day, events: [event] });
  }
  return groups;
}

/**
 * Nothing to show yet and nothing to read it from: no snapshot arrived, or
 * PostgreSQL has never answered and no agents are known either.
 */
export function isFirstRun(snapshot: Snapshot | null, connectionLost: boolean): boolean {
  if (snapshot === null) return connectionLost;
  return snapshot.sources.postgres.state === 'error' && snapshot.agents === null;
}
