import type { PostgresData } from '../core/readings';
import type { Screened } from './screening';
import type { DayRequest, SessionStore } from './sessionStore';

/** What a poll asks of PostgreSQL. */
export interface DayPictureSource {
  read(request: DayRequest): Promise<Screened<PostgresData>>;
}

/**
 * Reads what a poll shows of PostgreSQL, and reads it again only when it can
 * have changed: a poll first asks for the store's change token (one small
 * query, mostly over the `started_at` index), and when the token and the
 * request are as last time, and the picture is under a minute old, it stands. Durations keep ticking in the clients from the
 * snapshot's time, so an unchanged picture is still a true one.
 */
export class PostgresReader implements DayPictureSource {
  private latest: { readonly key: string; readonly readAt: number; readonly picture: Screened<PostgresData> } | null = null;

  constructor(
    private readonly store: SessionStore,
    /** The longest a picture stands unread: the bound on a change the token cannot see. */
    private readonly maxAgeMs = 60_000,
  ) {}

  async read(request: DayRequest): Promise<Screened<PostgresData>> {
    const token = await this.store.changeToken(request);
    const key = [request.today, request.historyDate, token].join(' ');
    const latest = this.latest;
    // A clock set back reads again too: its age would otherwise look young for as long as it was set back.
    const age = latest === null ? Infinity : request.now - latest.readAt;
    if (latest?.key === key && age >= 0 && age < this.maxAgeMs) return latest.picture;
    const picture = await this.store.dayPicture(request);
    this.latest = { key, readAt: request.now, picture };
    return picture;
  }
}
