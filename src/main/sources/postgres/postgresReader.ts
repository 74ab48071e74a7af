import type { EchoWorkData } from '../../core/echoWork';
import type { DayPicture, HeartbeatData, PostgresData } from '../../core/readings';
import { workTokenSql } from './echoWorkSql';
import type { EchoWorkStore, WorkReading } from './echoWorkStore';
import { isMissingTableOrColumn, parseWorkTables, tablesKey, WORK_TABLES_SQL, type EchoTables } from './echoWorkTables';
import { HEARTBEAT_COLUMNS, screenHeartbeats, type HeartbeatStore } from './heartbeatStore';
import type { Screened } from '../screening';
import type { ChangeToken, DayRequest, SessionStore } from './sessionStore';
import { DayPictureKeeper } from './dayPictureKeeper';

/** What a poll asks of PostgreSQL. */
export interface DayPictureSource {
  read(request: DayRequest): Promise<Screened<PostgresData>>;
}

type Work = Screened<EchoWorkData | null>;

const NO_WORK: Work = { value: null, dropped: [] };

/**
 * The work, or null with the reason where it cannot be read (a permission
 * refused, a column ECHO changed): the sessions and heartbeats still stand.
 */
async function workOrNull(reading: Promise<WorkReading>): Promise<{ work: Work; reading: WorkReading | null }> {
  try {
    const read = await reading;
    return { work: read.work, reading: read };
  } catch (error) {
    return {
      work: {
        value: null,
        dropped: [`ECHO's work records: ${error instanceof Error ? error.message : String(error)}`],
      },
      reading: null,
    };
  }
}

/**
 * The sessions' picture, the agents' heartbeats and ECHO's work, read side by side on pooled connections, as one
 * reading.
 */
async function combined(
  picture: Promise<Screened<DayPicture>>,
  heartbeats: Promise<Screened<HeartbeatData>>,
  work: Promise<Work>,
): Promise<Screened<PostgresData>> {
  const [day, beats, records] = await Promise.all([picture, heartbeats, work]);
  return {
    value: { ...day.value, heartbeats: beats.value, work: records.value },
    dropped: [...day.dropped, ...beats.dropped, ...records.dropped],
  };
}

/**
 * A single look (`status`, `forecast`, Test connection): no earlier picture to keep, so each part is read straight
 * away.
 */
export function readPostgresOnce(
  store: SessionStore,
  heartbeats: HeartbeatStore,
  work: EchoWorkStore | null = null,
): DayPictureSource {
  return {
    read: (request) =>
      combined(
        store.dayPicture(request),
        heartbeats.read(),
        work === null ? Promise.resolve(NO_WORK) : workOrNull(work.readWithToken(request)).then((read) => read.work),
      ),
  };
}

export interface PostgresReaderOptions {
  /** The longest a picture stands unread: the bound on a change the token cannot see. */
  readonly maxAgeMs?: number;
  /** ECHO's work records; without it, a reading's `work` is null. */
  readonly work?: EchoWorkStore | null;
}

/**
 * What the change token's statement said of ECHO's work: its tables, and its token where it was asked of those tables.
 */
interface WorkSeen {
  readonly tables: EchoTables;
  readonly token: string | null;
}

interface Kept<T> {
  readonly key: string;
  readonly readAt: number;
  readonly value: T;
}

/**
 * Reads what a poll shows of PostgreSQL, and reads each part again only when
 * it can have changed: a poll first asks for the change token (one small
 * statement, mostly over indexes), and when a part's token and the request
 * are as last time, and that part is under a minute old, it stands. The
 * sessions' picture is kept in parts (dayPictureKeeper.ts): a change among
 * the running sessions reads those again, not the day. Durations
 * keep ticking in the clients from the snapshot's time, so an unchanged
 * picture is still a true one. The heartbeats change every few seconds by
 * design: they ride in the token's statement once the table is known to
 * exist. ECHO's work has a token of its own in the same statement, with the
 * tables it exists in (`to_regclass`, always valid SQL): a quiet poll stays
 * one round trip.
 */
export class PostgresReader implements DayPictureSource {
  private readonly day: DayPictureKeeper;
  private latestWork: Kept<WorkReading> | null = null;
  /** Whether agent_status existed at the last poll; its rows are asked for only then. */
  private heartbeatsPresent = false;
  /** ECHO's tables at the last poll; the work token names only those. Null until known. */
  private workTables: EchoTables | null = null;
  private readonly maxAgeMs: number;
  private readonly work: EchoWorkStore | null;

  constructor(
    private readonly store: SessionStore,
    private readonly heartbeats: HeartbeatStore,
    options: number | PostgresReaderOptions = {},
  ) {
    const { maxAgeMs = 60_000, work = null } = typeof options === 'number' ? { maxAgeMs: options } : options;
    this.maxAgeMs = maxAgeMs;
    this.work = work;
    this.day = new DayPictureKeeper(store, maxAgeMs);
  }

  async read(request: DayRequest): Promise<Screened<PostgresData>> {
    const { token, beats, work } = await this.tokenAndHeartbeats(request);
    return combined(this.day.picture(request, token), beats, this.workFor(request, work));
  }

  /** A clock set back reads again too: its age would otherwise look young for as long as it was set back. */
  private stands<T>(kept: Kept<T> | null, key: string, now: number): kept is Kept<T> {
    const age = kept === null ? Infinity : now - kept.readAt;
    return kept?.key === key && age >= 0 && age < this.maxAgeMs;
  }

  /**
   * The work as last read where its token and today are unchanged; else read again, with the token of what was read.
   */
  private async workFor(request: DayRequest, seen: WorkSeen | null): Promise<Work> {
    if (this.work === null || seen === null) return NO_WORK;
    const workKey = (token: string, tables: EchoTables) => [request.today, tablesKey(tables), token].join(' ');
    const kept = this.latestWork;
    if (seen.token !== null && this.stands(kept, workKey(seen.token, seen.tables), request.now)) return kept.value.work;
    const { work, reading } = await workOrNull(this.work.readWithToken(request, seen.tables));
    // Kept under the token of the snapshot it was read from: a change after the token's statement moves the next token.
    // A failed read keeps nothing, so the next poll tries again.
    this.latestWork = reading && { key: workKey(reading.token, reading.tables), readAt: request.now, value: reading };
    return work;
  }

  /**
   * The columns the change token's statement carries: the heartbeats' and the work's, as far as their tables are known.
   */
  private alongside(withTables: boolean): Record<string, string> {
    const columns: Record<string, string> = { present: HEARTBEAT_COLUMNS.present };
    if (withTables && this.heartbeatsPresent) columns.rows = HEARTBEAT_COLUMNS.rows;
    if (this.work !== null) {
      columns.work_tables = WORK_TABLES_SQL;
      if (withTables && this.workTables !== null) columns.work_token = workTokenSql(this.workTables);
    }
    return columns;
  }

  /** The token and, in the same statement where the tables exist, the heartbeats and the work's token. */
  private async tokenAndHeartbeats(
    request: DayRequest,
  ): Promise<{ token: ChangeToken; beats: Promise<Screened<HeartbeatData>>; work: WorkSeen | null }> {
    const columns = this.alongside(true);
    let read;
    try {
      read = await this.store.changeTokenWith(request, columns);
    } catch (error) {
      // A table went away since the last poll: ask again without its rows.
      const named = 'rows' in columns || 'work_token' in columns;
      if (!named || !isMissingTableOrColumn(error)) throw error;
      read = await this.store.changeTokenWith(request, this.alongside(false));
    }
    this.heartbeatsPresent = read.alongside.present === true;
    const rows = read.alongside.rows;
    const beats = !this.heartbeatsPresent
      ? Promise.resolve({ value: { present: false, rows: [] }, dropped: [] })
      : Array.isArray(rows)
        ? Promise.resolve(screenHeartbeats(rows))
        : // Just appeared: read once on its own, beside the picture; from the next poll it rides in the token.
          this.heartbeats.read();
    return { token: read.parts, beats, work: this.workSeen(read.alongside) };
  }

  /** The tables found now, and the work's token where it was asked of exactly those tables. */
  private workSeen(alongside: Readonly<Record<string, unknown>>): WorkSeen | null {
    if (this.work === null) return null;
    const asked = this.workTables;
    const tables = parseWorkTables(alongside.work_tables);
    this.workTables = tables;
    const token = alongside.work_token;
    const same = asked !== null && tablesKey(asked) === tablesKey(tables);
    return { tables, token: same && typeof token === 'string' ? token : null };
  }
}
