import { formatDuration } from '../../../../shared/format';
import { UNKNOWN } from './unknown';
import type { SessionView } from '../../../../shared/model';
import type { TimelineSession } from './timelineRange';

export interface HistoryRow {
  readonly sessionId: string;
  readonly category: string;
  readonly description: string;
  /** The row's count, or a dash where it holds none. */
  readonly agents: string;
  /** A fixed duration for an ended session; null while it runs (shown live, or as "Active"). */
  readonly durationText: string | null;
  readonly status: string;
  readonly startedAt: string;
  /** What the row's Timeline button opens. */
  readonly timeline: TimelineSession;
}

export function selectHistoryRows(sessions: readonly SessionView[]): HistoryRow[] {
  return sessions.map((session) => ({
    sessionId: session.sessionId,
    category: session.category,
    description: session.description ?? 'N/A',
    agents: session.totalAgentsSpawned === null ? UNKNOWN : String(session.totalAgentsSpawned),
    durationText: session.endedAt === null ? null : formatDuration(session.durationSeconds),
    // The column defaults to 'active'; a NULL says nothing, so it is shown as such.
    status: session.status ?? 'unknown',
    startedAt: session.startedAt,
    timeline: {
      sessionId: session.sessionId,
      category: session.category,
      description: session.description,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
    },
  }));
}
