import { formatDuration, formatGb, formatRole } from '../../shared/format';
import type { SessionView, Snapshot, SourceHealth } from '../../shared/model';

export interface SourceLabels {
  readonly postgres: string;
  readonly registry: string;
}

function localTime(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(
    new Date(instant),
  );
}

const label = (name: string): string => name.padEnd(12);

function sourceLine(name: string, health: SourceHealth, where: string): string {
  const state = health.state === 'ok' ? 'ok' : `DOWN: ${health.error ?? 'unknown error'}`;
  const from = health.agentsFrom ? `, agents from ${health.agentsFrom}` : '';
  const dropped = health.dropped > 0 ? `, ${health.dropped} unreadable left out` : '';
  return `${label(name)}${state} (${where}${from}${dropped})`;
}

function sessionLine(session: SessionView, timeZone: string): string {
  const agents = session.agents.length > 0 ? `  [${session.agents.map(formatRole).join(', ')}]` : '';
  return `  ${session.category.toUpperCase()}  ${localTime(session.startedAt, timeZone)}  ${formatDuration(session.durationSeconds)}  ${session.description ?? 'No description'}${agents}`;
}

function known(value: number | null, unit: string): string {
  return value === null ? `? ${unit}` : `${value} ${unit}`;
}

/** The short summary `status` prints for a person. */
export function statusText(snapshot: Snapshot, where: SourceLabels): string {
  const { summary, timeZone } = snapshot;
  const lines = [
    `Delegator Monitor  ${snapshot.today} ${localTime(snapshot.takenAt, timeZone)} (${timeZone})`,
    sourceLine('PostgreSQL', snapshot.sources.postgres, where.postgres),
    sourceLine('Registry', snapshot.sources.registry, where.registry),
    `${label('Agents')}${known(summary.activeAgents, 'active')} · ${summary.memoryGb === null ? '? GB' : formatGb(summary.memoryGb)} estimated`,
    `${label('Sessions')}${known(summary.activeSessions, 'active')} · ${known(summary.sessionsToday, 'today')}`,
  ];
  for (const session of snapshot.activeSessions ?? []) lines.push(sessionLine(session, timeZone));
  for (const agent of snapshot.agents ?? []) {
    const uptime = agent.uptimeSeconds === null ? '' : `  up ${formatDuration(agent.uptimeSeconds)}`;
    lines.push(`  ${formatRole(agent.role)}  ${agent.model}  ~${formatGb(agent.memoryGb)}${uptime}`);
  }
  const stats = snapshot.stats;
  if (stats) {
    const statuses = Object.entries(stats.statusBreakdown)
      .map(([status, count]) => `${count} ${status}`)
      .join(', ');
    const average = stats.avgDurationSeconds === null ? '' : `, average ${formatDuration(stats.avgDurationSeconds)}`;
    lines.push(`${label('History')}${snapshot.historyDate}: ${stats.totalSessions} sessions${statuses ? ` (${statuses})` : ''}${average}`);
  }
  return lines.join('\n');
}
