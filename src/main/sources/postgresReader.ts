import type { DayPicture, HeartbeatData, PostgresData } from '../core/readings';
import { HEARTBEAT_COLUMNS, isUndefinedTable, screenHeartbeats, type HeartbeatStore } from './heartbeatStore';
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
 * seconds by design: they ride in the token's statement once the table is
 * known to exist, so a quiet poll stays one round trip.
 */
export class PostgresReader implements DayPictureSource {
  private latest: { readonly key: string; readonly readAt: number; readonly picture: Screened<DayPicture> } | null = null;
  /** Whether agent_status existed at the last poll; its rows are asked for only then. */
  private heartbeatsPresent = false;

  constructor(
    private readonly store: SessionStore,
    private readonly heartbeats: HeartbeatStore,
    /** The longest a picture stands unread: the bound on a change the token cannot see. */
    private readonly maxAgeMs = 60_000,
  ) {}

  async read(request: DayRequest): Promise<Screened<PostgresData>> {
    const { token, beats } = await this.tokenAndHeartbeats(request);
    const key = [request.today, request.historyDate, token].join(' ');
    const latest = this.latest;
    // A clock set back reads again too: its age would otherwise look young for as long as it was set back.
    const age = latest === null ? Infinity : request.now - latest.readAt;
    const stands = latest?.key === key && age >= 0 && age < this.maxAgeMs;
    const picture = stands ? Promise.resolve(latest.picture) : this.store.dayPicture(request);
    const result = await withHeartbeats(picture, beats);
    if (!stands) this.latest = { key, readAt: request.now, picture: await picture };
    return result;
  }

  /** The token and, in the same statement where the table exists, the heartbeats. */
  private async tokenAndHeartbeats(request: DayRequest): Promise<{ token: string; beats: Promise<Screened<HeartbeatData>> }> {
    const withRows = this.heartbeatsPresent;
    let read;
    try {
      read = await this.store.changeTokenWith(request, withRows ? HEARTBEAT_COLUMNS : { present: HEARTBEAT_COLUMNS.present });
    } catch (error) {
      // The table went away since the last poll: ask again without its rows.
      if (!withRows || !isUndefinedTable(error)) throw error;
      read = await this.store.changeTokenWith(request, { present: HEARTBEAT_COLUMNS.present });
    }
    this.heartbeatsPresent = read.alongside.present === true;
    const rows = read.alongside.rows;
    const beats = !this.heartbeatsPresent
      ? Promise.resolve({ value: { present: false, rows: [] }, dropped: [] })
      : Array.isArray(rows)
        ? Promise.resolve(screenHeartbeats(rows))
        : // Just appeared: read once on its own, beside the picture; from the next poll it rides in the token.
          this.heartbeats.read();
    return { token: read.token, beats };
  }
}
