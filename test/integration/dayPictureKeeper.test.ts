import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/main/core/localTime';
import { HeartbeatStore } from '../../src/main/sources/postgres/heartbeatStore';
import { PostgresReader } from '../../src/main/sources/postgres/postgresReader';
import { SessionStore, type DayRequest } from '../../src/main/sources/postgres/sessionStore';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { localDateOf } from '../../src/shared/zonedDay';
import { BACKENDS, type SqlBackend } from '../support/backends';

const ZONE = 'America/Los_Angeles';
const START = Date.parse('2026-11-24T20:10:00Z');
const CATEGORIES = ['development', 'quick_fix', 'strategic', 'hr', 'technical', 'research'];
const ROLES = ['senior_developer', 'test_lead', 'cto', 'analyst'];
const ENDINGS = ['completed', 'error', 'cancelled', null];

/** A seeded generator (mulberry32): a sequence that fails runs again the same. */
function seeded(seed: number): { next: () => number; pick: <T>(items: readonly T[]) => T; int: (n: number) => number } {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: (items) => items[int(items.length)] as (typeof items)[number] };
}

const naive = (instant: number): string => new Date(Math.floor(instant / 1000) * 1000).toISOString().slice(0, 19);

/** Records every statement a client is sent. */
function recording(sql: SqlClient, texts: string[]): SqlClient {
  return {
    query: (text, values) => {
      texts.push(text);
      return sql.query(text, values);
    },
  };
}

type Random = ReturnType<typeof seeded>;

async function insert(sql: SqlClient, random: Random, startedAt: number, running: boolean): Promise<void> {
  const agents = ROLES.slice(0, random.int(ROLES.length + 1));
  await sql.query(
    `INSERT INTO delegator_sessions (session_id, task_category, task_description, active_agents, started_at, ended_at,
                                     total_agents_spawned, tasks_delegated, status, inserted_at, updated_at)
     VALUES ($9, $1, $2, $3, $4::timestamp, $5::timestamp, $6, $7, $8, now(), now())`,
    [
      random.pick(CATEGORIES),
      random.next() < 0.1 ? 'x'.repeat(1500) : `Work ${random.int(1000)}`,
      agents,
      naive(startedAt),
      running ? null : naive(startedAt + random.int(3600) * 1000),
      random.next() < 0.1 ? null : agents.length + random.int(3),
      random.int(5),
      running ? 'active' : random.pick(ENDINGS),
      `s_${String(random.int(1e9))}`,
    ],
  );
}

/** One running session, picked at random, or null where none runs. */
async function aRunning(sql: SqlClient, random: Random): Promise<string | null> {
  const { rows } = await sql.query(
    "SELECT session_id AS id FROM delegator_sessions WHERE status = 'active' ORDER BY started_at, session_id",
  );
  const ids = (rows as { id: string }[]).map((row) => row.id);
  return ids.length === 0 ? null : random.pick(ids);
}

/**
 * The changes the change token can see, one picked at random per step; each returns how far the clock moves. Rows
 * change as ECHO's delegator changes them, and as a hand might, where the token sees it.
 */
const CHANGES: Record<string, (sql: SqlClient, random: Random, now: number) => Promise<number>> = {
  async 'a session starts'(sql, random, now) {
    // Two at one second now and then: the lists' order is then the id's.
    const count = random.next() < 0.2 ? 2 : 1;
    for (let n = 0; n < count; n += 1) await insert(sql, random, now, random.next() < 0.8);
    return 0;
  },
  async 'a session is recorded late, still running'(sql, random, now) {
    await insert(sql, random, now - random.int(2 * 86_400) * 1000, true);
    return 0;
  },
  async 'a running session gains agents'(sql, random) {
    const id = await aRunning(sql, random);
    if (id === null) return 0;
    const agents = random.int(8);
    await sql.query(
      `UPDATE delegator_sessions SET tasks_delegated = tasks_delegated + 1, total_agents_spawned = $2,
              active_agents = $3, task_category = $4 WHERE session_id = $1`,
      [id, random.next() < 0.15 ? null : agents, ROLES.slice(0, agents % 5), random.pick(CATEGORIES)],
    );
    return 0;
  },
  async 'a running session moves its start'(sql, random) {
    const id = await aRunning(sql, random);
    if (id !== null) {
      await sql.query(
        `UPDATE delegator_sessions SET started_at = started_at - make_interval(secs => $2) WHERE session_id = $1`,
        [id, random.int(30 * 3600)],
      );
    }
    return 0;
  },
  async 'a running session ends'(sql, random, now) {
    const id = await aRunning(sql, random);
    if (id === null) return 0;
    await sql.query(
      `UPDATE delegator_sessions SET status = $2, ended_at = greatest(started_at, $3::timestamp) WHERE session_id = $1`,
      [id, random.pick(ENDINGS), naive(now)],
    );
    return 0;
  },
  async 'a running session turns unreadable'(sql, random) {
    const id = await aRunning(sql, random);
    if (id === null) return 0;
    const breakage = random.pick([
      'tasks_delegated = -1',
      "ended_at = started_at - interval '1 hour'",
      "task_category = ''",
      'total_agents_spawned = -3',
    ]);
    await sql.query(`UPDATE delegator_sessions SET ${breakage} WHERE session_id = $1`, [id]);
    return 0;
  },
  async 'a running session is deleted'(sql, random) {
    const id = await aRunning(sql, random);
    if (id !== null) await sql.query('DELETE FROM delegator_sessions WHERE session_id = $1', [id]);
    return 0;
  },
  // All of them: one of two that started in the same second leaves the newest start, and a finished row deleted by hand
  // is what the token cannot see.
  async 'the newest sessions are deleted'(sql) {
    await sql.query(
      'DELETE FROM delegator_sessions WHERE started_at = (SELECT max(started_at) FROM delegator_sessions)',
    );
    return 0;
  },
  async 'a finished session runs again'(sql, random) {
    await sql.query(
      `UPDATE delegator_sessions SET status = 'active', ended_at = NULL
        WHERE id = (SELECT id FROM delegator_sessions WHERE status IS DISTINCT FROM 'active' ORDER BY md5(session_id || $1) LIMIT 1)`,
      [String(random.int(1_000_000))],
    );
    return 0;
  },
  'an hour turns': () => Promise.resolve(3_600_000),
};

describe.each(BACKENDS)('on $name', (backend) => {
  let db: SqlBackend;
  beforeEach(async () => {
    db = await backend.open();
  });
  afterEach(async () => {
    await db.close();
  });

  it.each([7, 1_234, 99_991])(
    'keeps a picture equal to the one read whole, through 60 seeded changes (seed %i)',
    async (seed) => {
      const random = seeded(seed);
      // Three days of sessions, more than a day's history lists, a few still running, on whole minutes so that some
      // share a start.
      for (let n = 0; n < 90; n += 1) {
        await insert(db.sql, random, START - random.int(3 * 24 * 60) * 60_000, random.next() < 0.1);
      }
      const texts: string[] = [];
      const store = new SessionStore(db.sql, ZONE);
      // No minute's whole read here: every picture after the first is made from kept parts, or read whole where the
      // token says it must be.
      const reader = new PostgresReader(new SessionStore(recording(db.sql, texts), ZONE), new HeartbeatStore(db.sql), {
        maxAgeMs: 30 * 86_400_000,
      });
      let now = START;
      let dayBack = 0;
      const names = Object.keys(CHANGES);
      for (let step = 0; step < 60; step += 1) {
        const name = random.pick(names);
        now += 1000 + random.int(40_000) + (await (CHANGES[name] ?? (() => Promise.resolve(0)))(db.sql, random, now));
        if (random.next() < 0.1) dayBack = random.int(3);
        const today = localDateOf(now, ZONE);
        const request: DayRequest = { now, today, historyDate: addDays(today, -dayBack) };
        const read = await reader.read(request);
        const { heartbeats, work, ...kept } = read.value;
        const whole = await store.dayPicture(request);
        expect({ step, name, picture: kept, dropped: read.dropped }).toEqual({
          step,
          name,
          picture: whole.value,
          dropped: whole.dropped,
        });
        expect([heartbeats.rows, work]).toEqual([[], null]);
      }
      // The sequence mended the picture from its parts, and read the day whole, each more than a few times.
      const mends = texts.filter((text) => text.includes('left_rows')).length;
      const wholeReads = texts.filter((text) => text.includes('json_object_agg')).length;
      expect(mends).toBeGreaterThan(5);
      expect(wholeReads).toBeGreaterThan(5);
    },
  );

  it('reads the picture in one piece while more sessions run than are listed, and in parts again below that', async () => {
    const now = START;
    const request: DayRequest = { now, today: localDateOf(now, ZONE), historyDate: localDateOf(now, ZONE) };
    await db.sql.query(
      `INSERT INTO delegator_sessions (session_id, task_category, started_at, total_agents_spawned, status, inserted_at, updated_at)
       SELECT 'crashed_' || n, 'development', $1::timestamp - make_interval(mins => n), 1, 'active', now(), now()
         FROM generate_series(1, 201) AS n`,
      [naive(now)],
    );
    const texts: string[] = [];
    const store = new SessionStore(db.sql, ZONE);
    const reader = new PostgresReader(new SessionStore(recording(db.sql, texts), ZONE), new HeartbeatStore(db.sql));
    const kinds: string[] = [];
    const poll = async (change: string) => {
      await db.sql.query(change);
      texts.length = 0;
      const { heartbeats, work, ...kept } = (await reader.read(request)).value;
      expect([heartbeats.rows, work]).toEqual([[], null]);
      expect(kept).toEqual((await store.dayPicture(request)).value);
      kinds.push(
        texts
          .slice(1)
          .map((text) => (text.includes('left_rows') ? 'mend' : text.includes('row_id') ? 'parts' : 'one piece'))
          .join(' + '),
      );
    };
    const gain =
      "UPDATE delegator_sessions SET total_agents_spawned = total_agents_spawned + 1 WHERE session_id = 'crashed_7'";
    await poll('SELECT 1');
    await poll(gain);
    await poll("UPDATE delegator_sessions SET status = 'error' WHERE session_id IN ('crashed_1', 'crashed_2')");
    await poll(gain);
    await poll(gain);
    expect(kinds).toEqual(['parts + one piece', 'one piece', 'one piece', 'parts', 'mend']);
  });
});
