import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_COLUMNS, HeartbeatStore } from '../../src/main/sources/postgres/heartbeatStore';
import { PostgresReader } from '../../src/main/sources/postgres/postgresReader';
import { SessionStore, type DayRequest } from '../../src/main/sources/postgres/sessionStore';
import type { SqlClient } from '../../src/main/sources/postgres/sqlClient';
import { insertSessions, type SessionSeed } from '../support/sessionRows';
import { BACKENDS, type SqlBackend } from '../support/backends';
import { createTestDatabase } from '../support/testDatabase';

const NOW = Date.parse('2026-11-24T14:30:00Z');
const TODAY: DayRequest = { now: NOW, today: '2026-11-24', historyDate: '2026-11-24' };

const ROWS: SessionSeed[] = [
  { sessionId: 'running-now', category: 'development', startedAt: '2026-11-24T14:23:05Z' },
  { sessionId: 'running-since-last-week', category: 'technical', startedAt: '2026-11-17T09:00:00Z' },
  {
    sessionId: 'done-this-morning',
    category: 'strategic',
    startedAt: '2026-11-24T09:00:00Z',
    endedAt: '2026-11-24T09:30:00Z',
  },
  {
    sessionId: 'failed-last-night',
    category: 'hr',
    startedAt: '2026-11-23T22:00:00Z',
    endedAt: '2026-11-23T22:10:00Z',
    status: 'error',
  },
  {
    sessionId: 'done-last-month',
    category: 'operations',
    startedAt: '2026-10-20T10:00:00Z',
    endedAt: '2026-10-20T12:00:00Z',
  },
  { sessionId: 'forever', startedAt: 'infinity' },
  { sessionId: 'time-travel', startedAt: '2026-11-24T07:00:00Z', endedAt: '2026-11-24T06:00:00Z' },
];

/** Counts the statements a client is sent. */
function counted(sql: SqlClient): { sql: SqlClient; statements: () => number } {
  let statements = 0;
  return {
    sql: {
      query: (text, values) => {
        statements += 1;
        return sql.query(text, values);
      },
    },
    statements: () => statements,
  };
}

/** Records the text of every statement a client is sent. */
function recording(sql: SqlClient, texts: string[]): SqlClient {
  return {
    query: (text, values) => {
      texts.push(text);
      return sql.query(text, values);
    },
  };
}

describe.each(BACKENDS)('on $name', (backend) => {
  let db: SqlBackend;
  beforeAll(async () => {
    db = await backend.open();
    await insertSessions(db.sql, ROWS);
  });
  afterAll(async () => {
    await db.close();
  });

  describe('SessionStore.dayPicture', () => {
    it.each([
      ['UTC', TODAY],
      ['America/Los_Angeles', { ...TODAY, historyDate: '2026-11-23' }],
      ['Asia/Kolkata', { ...TODAY, historyDate: '2026-10-20' }],
    ])('in one statement, says what the separate queries say (%s)', async (zone, request) => {
      const store = new SessionStore(db.sql, zone);
      const [picture, active, history, stats, todayStats, timeline] = await Promise.all([
        store.dayPicture(request),
        store.activeSessions(),
        store.history(request.historyDate),
        store.stats(request.historyDate, request.historyDate),
        store.stats(request.today, request.today),
        store.hourlyTimeline(request.now),
      ]);
      expect(picture.value).toEqual({
        historyDate: request.historyDate,
        activeSessions: active.value.sessions,
        activeTotal: active.value.total - active.dropped.length,
        history: history.value,
        stats,
        sessionsToday: todayStats.totalSessions,
        timeline,
        // The newest start whatever the day on screen; 'forever' lies beyond any day and is left out.
        newestSessionAt: Date.parse('2026-11-24T14:23:05Z'),
      });
      expect(picture.dropped).toEqual([...new Set([...active.dropped, ...history.dropped])]);
    });

    it('drops the rows it cannot read, each named once', async () => {
      const { value, dropped } = await new SessionStore(db.sql, 'UTC').dayPicture(TODAY);
      expect(value.activeSessions.map((session) => session.sessionId)).toEqual([
        'running-now',
        'running-since-last-week',
      ]);
      expect(value.activeTotal).toBe(2);
      expect(dropped).toEqual([
        expect.stringMatching(/^session forever: /),
        expect.stringMatching(/^session time-travel: ended_at/),
      ]);
    });

    it("counts only the rows its lists can show, and says how many of the day's it left out", async () => {
      const store = new SessionStore(db.sql, 'UTC');
      const { value } = await store.dayPicture(TODAY);
      // Today holds one unreadable row (it ends before it starts) beside the readable ones.
      expect(value.history.map((session) => session.sessionId)).not.toContain('time-travel');
      expect([value.stats.totalSessions, value.stats.unreadableSessions, value.sessionsToday]).toEqual([
        value.history.length,
        1,
        value.history.length,
      ]);
      // The last 24 hours: running-now, done-this-morning and failed-last-night; not time-travel.
      expect(value.timeline.reduce((sum, hour) => sum + hour.count, 0)).toBe(3);
      expect(Object.values(value.stats.categoryBreakdown).reduce((sum, count) => sum + count, 0)).toBe(
        value.history.length,
      );
      const week = await store.stats('2026-11-18', '2026-11-24');
      expect([week.totalSessions, week.unreadableSessions]).toEqual([
        week.sessionsPerDay.reduce((sum, day) => sum + day.count, 0),
        1,
      ]);
      // Looking at another day, "today" is still counted the same way.
      const other = await store.dayPicture({ ...TODAY, historyDate: '2026-11-23' });
      expect(other.value.sessionsToday).toBe(value.history.length);
    });
  });

  describe('SessionStore.changeToken', () => {
    const token = (request: DayRequest = TODAY): Promise<string> =>
      new SessionStore(db.sql, 'UTC').changeToken(request);

    it('stays put while nothing changes, and moves when the hour does', async () => {
      const first = await token();
      expect(await token()).toBe(first);
      expect(await token({ ...TODAY, now: NOW + 20 * 60_000 })).toBe(first);
      expect(await token({ ...TODAY, now: NOW + 40 * 60_000 })).not.toBe(first);
    });

    it.each([
      [
        'a session starts',
        "INSERT INTO delegator_sessions (session_id, task_category, started_at, inserted_at, updated_at) VALUES ('new', 'quick_fix', '2026-11-24 14:29:00', now(), now())",
      ],
      // Same second, same counts: only the row version tells.
      [
        'a session from last week gains an agent',
        "UPDATE delegator_sessions SET total_agents_spawned = total_agents_spawned + 1 WHERE session_id = 'running-since-last-week'",
      ],
      [
        'a session from last week ends',
        "UPDATE delegator_sessions SET status = 'completed', ended_at = '2026-11-24 14:29:00' WHERE session_id = 'running-since-last-week'",
      ],
      [
        'a session is recorded already finished',
        "INSERT INTO delegator_sessions (session_id, task_category, started_at, ended_at, status, inserted_at, updated_at) VALUES ('quick', 'quick_fix', '2026-11-24 14:29:10', '2026-11-24 14:29:40', 'completed', now(), now())",
      ],
    ])('moves when %s', async (_, statement) => {
      const before = await token();
      await db.sql.query(statement);
      expect(await token()).not.toBe(before);
    });

    it.each([
      [
        'a finished row is edited',
        "UPDATE delegator_sessions SET task_description = 'Retold' WHERE session_id = 'done-this-morning'",
      ],
      ['a finished row is deleted', "DELETE FROM delegator_sessions WHERE session_id = 'failed-last-night'"],
      [
        'a row is written with a start in the past',
        "INSERT INTO delegator_sessions (session_id, task_category, started_at, ended_at, status, inserted_at, updated_at) VALUES ('late-entry', 'hr', '2026-10-20 18:00:00', '2026-10-20 18:05:00', 'completed', now(), now())",
      ],
    ])('does not see what ECHO does not do, which the reader covers by its minute: %s', async (_, statement) => {
      const before = await token();
      await db.sql.query(statement);
      expect(await token()).toBe(before);
    });
  });

  describe('PostgresReader', () => {
    it('reads the picture again only when the change token moves', async () => {
      const client = counted(db.sql);
      // The heartbeats ride in the token's statement; their first read, on its own, goes through an uncounted client.
      const reader = new PostgresReader(new SessionStore(client.sql, 'UTC'), new HeartbeatStore(db.sql));
      const first = await reader.read(TODAY);
      expect(client.statements()).toBe(2);

      expect((await reader.read(TODAY)).value.history).toBe(first.value.history);
      expect(client.statements()).toBe(3);

      await db.sql.query(
        "INSERT INTO delegator_sessions (session_id, task_category, started_at, inserted_at, updated_at) VALUES ('just-now', 'quick_fix', '2026-11-24 14:29:30', now(), now())",
      );
      const changed = await reader.read(TODAY);
      expect(client.statements()).toBe(5);
      expect(changed.value.activeSessions.map((session) => session.sessionId)).toContain('just-now');

      const otherDay = await reader.read({ ...TODAY, historyDate: '2026-11-23' });
      expect(client.statements()).toBe(7);
      expect(otherDay.value.historyDate).toBe('2026-11-23');
    });

    it('after a running session gains an agent, reads the running rows again, not the day or its hours', async () => {
      const texts: string[] = [];
      const reader = new PostgresReader(new SessionStore(recording(db.sql, texts), 'UTC'), new HeartbeatStore(db.sql));
      await reader.read(TODAY);
      texts.length = 0;
      await db.sql.query(
        "UPDATE delegator_sessions SET total_agents_spawned = total_agents_spawned + 1 WHERE session_id = 'running-now'",
      );
      const changed = await reader.read(TODAY);
      // The token's statement, then the running rows': no aggregate over the day, no count per hour.
      expect(texts).toHaveLength(2);
      expect(texts.filter((text) => /json_object_agg|width_bucket|unnest\(/.test(text))).toEqual([]);
      const { heartbeats, work, ...picture } = changed.value;
      expect([heartbeats.present, work]).toEqual([true, null]);
      expect(picture).toEqual((await new SessionStore(db.sql, 'UTC').dayPicture(TODAY)).value);
      expect(picture.activeSessions.find((session) => session.sessionId === 'running-now')?.totalAgentsSpawned).toBe(
        picture.history.find((session) => session.sessionId === 'running-now')?.totalAgentsSpawned,
      );
    });

    it('reads the picture again after a minute, for an edit to a finished session the token cannot see', async () => {
      const client = counted(db.sql);
      const reader = new PostgresReader(new SessionStore(client.sql, 'UTC'), new HeartbeatStore(db.sql), 60_000);
      await reader.read(TODAY);
      await db.sql.query(
        "UPDATE delegator_sessions SET task_description = 'Told once more' WHERE session_id = 'done-this-morning'",
      );
      const soon = await reader.read({ ...TODAY, now: NOW + 59_000 });
      expect(soon.value.history.find((session) => session.sessionId === 'done-this-morning')?.description).not.toBe(
        'Told once more',
      );
      const later = await reader.read({ ...TODAY, now: NOW + 60_000 });
      expect(later.value.history.find((session) => session.sessionId === 'done-this-morning')?.description).toBe(
        'Told once more',
      );
      expect(client.statements()).toBe(5);
    });
  });
});

describe('the change token on a PostgreSQL server', () => {
  it('is planned once per connection, then asked by name', async () => {
    const db = await createTestDatabase();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const store = new SessionStore(client, 'UTC');
      const prepared = async () =>
        (await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')).rows;
      const first = await store.changeTokenWith(TODAY, HEARTBEAT_COLUMNS);
      expect((await store.changeTokenWith(TODAY, HEARTBEAT_COLUMNS)).token).toBe(first.token);
      expect(await prepared()).toEqual([{ statement: expect.stringContaining('agent_status') as unknown }]);
      // Another text is another statement, never a clash of names.
      await store.changeToken(TODAY);
      expect(await prepared()).toHaveLength(2);
      // The prepared statement follows the table away: ECHO's older schema answers "not present".
      await client.query('DROP TABLE agent_status');
      await expect(store.changeTokenWith(TODAY, HEARTBEAT_COLUMNS)).rejects.toMatchObject({ code: '42P01' });
      expect((await store.changeTokenWith(TODAY, { present: HEARTBEAT_COLUMNS.present })).alongside).toEqual({
        present: false,
      });
    } finally {
      await client.end();
      await db.drop();
    }
  });
});
