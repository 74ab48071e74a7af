import type { PostgresData } from '../core/readings';
import type { Screened } from './screening';
import type { DayRequest, SessionStore } from './sessionStore';

/**
 * Reads what a poll shows of PostgreSQL, and reads it again only when it can
 * have changed: a poll first asks for the store's change token (one small
 * index-bounded query), and when the token and the request are as last time,
 * the last picture stands. Durations keep ticking in the clients from the
 * snapshot's time, so an unchanged picture is still a true one.
 */
export class PostgresReader {
  private latest: { readonly key: string; readonly picture: Screened<PostgresData> } | null = null;

  constructor(private readonly store: SessionStore) {}

  async read(request: DayRequest): Promise<Screened<PostgresData>> {
    const token = await this.store.changeToken(request);
    const key = [request.today, request.historyDate, token].join(' ');
    if (this.latest?.key === key) return this.latest.picture;
    const picture = await this.store.dayPicture(request);
    this.latest = { key, picture };
    return picture;
  }
}
