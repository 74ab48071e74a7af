import { formatDuration, formatRole } from '../../shared/format';
import type { SessionStats, SessionView } from '../../shared/model';
import type { MonitorEvent } from '../../shared/monitorEvent';
import { escapeControls as shown } from '../../shared/terminalText';
import { localIsoString } from '../core/localTime';

/**
 * The answers no other view words as lines (the dashboard draws them): a
 * line per session or event, each time in the user's zone with its offset,
 * so a model can quote it as it stands.
 */

/** What an operation's text is told beyond its answer. */
export interface TextContext {
  /** The user's zone, for times a person reads. */
  readonly timeZone: string;
}

const counted = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

function sessionLine(session: SessionView, timeZone: string): string {
  const running = session.endedAt === null ? ' so far' : '';
  const agents = session.agents.length === 0 ? 'no agents' : session.agents.map(formatRole).join(', ');
  return [
    `- ${localIsoString(Date.parse(session.startedAt), timeZone)}`,
    shown(session.category),
    shown(session.status ?? 'status unknown'),
    `${formatDuration(session.durationSeconds)}${running}`,
    shown(agents),
    shown(session.description ?? 'no description'),
    `(${shown(session.sessionId)})`,
  ].join('  ');
}

export function historyText(sessions: readonly SessionView[], { timeZone }: TextContext): string[] {
  if (sessions.length === 0) return ['No session started that day.'];
  return [
    `${counted(sessions.length, 'session', 'sessions')}, newest first:`,
    ...sessions.map((session) => sessionLine(session, timeZone)),
  ];
}

/** `3 completed, 1 error`: a breakdown as it reads, largest first. */
function breakdown(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([nameA, a], [nameB, b]) => b - a || nameA.localeCompare(nameB));
  return entries.length === 0 ? 'none' : entries.map(([name, count]) => `${count} ${shown(name)}`).join(', ');
}

export function statsText(stats: SessionStats): string[] {
  const average =
    stats.avgDurationSeconds === null
      ? 'no session has ended'
      : `average ${formatDuration(stats.avgDurationSeconds)} over ${counted(stats.endedSessions, 'ended session', 'ended sessions')}`;
  const busiest = [...stats.sessionsPerDay].sort((a, b) => b.count - a.count)[0];
  return [
    `${stats.from} to ${stats.to}: ${counted(stats.totalSessions, 'session', 'sessions')}; ${average}.`,
    `By status: ${breakdown(stats.statusBreakdown)}.`,
    `By category: ${breakdown(stats.categoryBreakdown)}.`,
    `Agents: ${String(stats.avgAgentsPerSession)} per session on average, ${counted(stats.totalAgentsSpawned, 'spawned', 'spawned')} in all.`,
    ...(busiest === undefined || busiest.count === 0
      ? []
      : [`Busiest day: ${busiest.date}, ${counted(busiest.count, 'session', 'sessions')}.`]),
    ...(stats.unreadableSessions > 0
      ? [`${counted(stats.unreadableSessions, 'row', 'rows')} could not be read and are left out of every figure.`]
      : []),
  ];
}

export function eventsText(events: readonly MonitorEvent[], { timeZone }: TextContext): string[] {
  if (events.length === 0) return ['No event since this monitor started.'];
  return [
    `${counted(events.length, 'event', 'events')}, newest first:`,
    ...events.map(
      (event) => `- ${localIsoString(Date.parse(event.at), timeZone)}  ${event.type}  ${shown(event.message)}`,
    ),
  ];
}
