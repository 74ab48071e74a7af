import type { DayPicture, HeartbeatData, PostgresData } from '../core/readings';
import type { HeartbeatStore } from './heartbeatStore';
import type { Screened } from './screening';
import type { DayRequest, SessionStore } from './sessionStore';

/** What a poll asks of PostgreSQL. */
export interface DayPictureSource {
  read(request: DayRequest): Promise<Screened<PostgresData>>;
}

/** The sessions' picture and the agents' heartbeats, read side by side on two pooled connections, as one reading. */
async function withHeartbeats(picture: Promise<Screened<DayPicture>>, heartbeats: Promise<Screened<HeartbeatData>>): Promise<Screened<PostgresData>> {
  const [day, beats] = await Promise.all([picture, heartbeats]);
  return { value: { ...day.value, heartbeats: beats.value }, dropped: [...day.dropped, ...beats.dropped] };
}

/** A single look (`status`, `forecast`, Test connection): no earlier picture to keep, so one round trip each. */
export function readPostgresOnce(store: SessionStore, heartbeats: HeartbeatStore): DayPictureSource {
  return { read: (request) => withHeartbeats(store.dayPicture(request), heartbeats.read()) };
}

/**
 * Reads what a poll shows of PostgreSQL, and reads the sessions again only
 * when they can have changed: a poll first asks for the store's change token
 * (one small query, mostly over the `started_at` index), and when the token
 * and the request are as last time, and the picture is under a minute old, it
 * stands. Durations keep ticking in the clients from the snapshot's time, so
 * an unchanged picture is still a true one. The heartbeats change every few
 * seconds by design, so they are read on every poll, beside the token.
 */
export class PostgresReader implements DayPictureSource {
  private latest: { readonly key: string; readonly readAt: number; readonly picture: Screened<DayPicture> } | null = null;

  constructor(
    private readonly store: SessionStore,
    private readonly heartbeats: HeartbeatStore,
    /** The longest a picture stands unread: the bound on a change the token cannot see. */
    private readonly maxAgeMs = 60_000,
  ) {}

  read(request: DayRequest): Promise<Screened<PostgresData>> {
    return withHeartbeats(this.dayPicture(request), this.heartbeats.read());
  }

  private async dayPicture(request: DayRequest): Promise<Screened<DayPicture>> {
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
