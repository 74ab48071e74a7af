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
