import type { LocalDate } from '../../shared/model';
import { errorText } from '../core/errorText';
import type { PostgresReading } from '../core/snapshot';
import type { SessionStore } from './sessionStore';

export interface PostgresRequest {
  readonly now: number;
  readonly today: LocalDate;
  readonly historyDate: LocalDate;
}

/** Everything the snapshot needs from PostgreSQL, read together; any failure fails the whole reading. */
export async function readPostgres(store: SessionStore, request: PostgresRequest): Promise<PostgresReading> {
  const { now, today, historyDate } = request;
  try {
    const [active, history, stats, todayStats, timeline] = await Promise.all([
      store.activeSessions(),
      store.history(historyDate),
      store.stats(historyDate, historyDate),
      historyDate === today ? null : store.stats(today, today),
      store.hourlyTimeline(now),
    ]);
    // A bad row can be both active and in the day's history; it is one problem, not two.
    const dropped = [...new Set([...active.dropped, ...history.dropped])];
    return {
      ok: true,
      activeSessions: active.value.sessions,
      activeTotal: active.value.total - active.dropped.length,
      history: history.value,
      stats,
      sessionsToday: (todayStats ?? stats).totalSessions,
      timeline,
      dropped,
    };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}
