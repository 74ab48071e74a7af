import type { LocalDate } from '../../shared/model';
import type { PostgresData } from '../core/readings';
import type { Screened } from './screening';
import type { SessionStore } from './sessionStore';

export interface PostgresRequest {
  readonly now: number;
  readonly today: LocalDate;
  readonly historyDate: LocalDate;
}

/** Everything the snapshot needs from PostgreSQL, read together; any failure fails the whole reading. */
export async function readPostgres(store: SessionStore, request: PostgresRequest): Promise<Screened<PostgresData>> {
  const { now, today, historyDate } = request;
  const [active, history, stats, todayStats, timeline] = await Promise.all([
    store.activeSessions(),
    store.history(historyDate),
    store.stats(historyDate, historyDate),
    historyDate === today ? null : store.stats(today, today),
    store.hourlyTimeline(now),
  ]);
  return {
    value: {
      historyDate,
      activeSessions: active.value.sessions,
      activeTotal: active.value.total - active.dropped.length,
      history: history.value,
      stats,
      sessionsToday: (todayStats ?? stats).totalSessions,
      timeline,
    },
    // A bad row can be both active and in the day's history; it is one problem, not two.
    dropped: [...new Set([...active.dropped, ...history.dropped])],
  };
}
