import { formatDuration } from '../../../../shared/format';
import type { SessionStats } from '../../../../shared/model';
import { UNKNOWN } from './unknown';

export interface StatsView {
  readonly totalSessions: number;
  readonly sessionsPerDay: ReadonlyArray<{ date: string; count: number }>;
  readonly categories: ReadonlyArray<{ category: string; count: number }>;
  readonly avgAgentsText: string;
  readonly avgDurationText: string;
  readonly errorRateText: string;
  /** Rows the figures leave out because they cannot be read, said where there are any. */
  readonly leftOutText: string | null;
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
    leftOutText:
      stats.unreadableSessions === 0
        ? null
        : `${stats.unreadableSessions.toLocaleString('en')} unreadable row${stats.unreadableSessions === 1 ? '' : 's'} left out, as from the history`,
  };
}
