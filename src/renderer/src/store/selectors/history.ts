import { formatDuration } from '../../../../shared/format';
import type { SessionView } from '../../../../shared/model';

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
