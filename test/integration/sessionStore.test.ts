import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSessionRows, SESSION_COLUMNS } from '../../src/main/sources/postgres/sessionRow';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { HISTORY_LIMIT } from '../../src/main/sources/postgres/sessionSql';
import { sessionRecord } from '../support/fixtures';
import { insertSessions, type SessionSeed } from '../support/sessionRows';
import { BACKENDS, type SqlBackend } from '../support/backends';

const NOW = Date.parse('2026-11-24T14:30:00Z');

/** A realistic day around 2026-11-24, with sessions near midnight in several zones. */
const DAY: SessionSeed[] = [
  {
    sessionId: 'a-dev',
    category: 'development',
    description: 'Implement password reset feature',
    startedAt: '2026-11-24T14:23:05Z',
  },
  { sessionId: 'b-fix', category: 'quick_fix', startedAt: '2026-11-24T13:00:00Z' },
  {
    sessionId: 'c-strategy',
    category: 'strategic',
    startedAt: '2026-11-24T09:00:00Z',
    endedAt: '2026-11-24T09:30:00Z',
  },
  // 18:00 on the 23rd in Los Angeles, 07:30 on the 24th in Kolkata.
  {
    sessionId: 'd-hr',
    category: 'hr',
    startedAt: '2026-11-24T02:00:00Z',
    endedAt: '2026-11-24T02:10:00Z',
    status: 'error',
  },
  // 01:30 on the 24th in Kolkata, the 23rd everywhere west of it.
  { sessionId: 'e-tech', category: 'technical', startedAt: '2026-11-23T20:00:00Z', endedAt: '2026-11-23T21:00:00Z' },
  // A category and a status this app has never heard of pass through as they are.
  {
    sessionId: 'f-research',
    category: 'research',
    agents: ['analyst'],
    startedAt: '2026-11-24T10:00:00Z',
    endedAt: '2026-11-24T10:05:00Z',
    status: 'cancelled',
  },
  { sessionId: 'g-ops', category: 'operations', startedAt: '2026-11-22T10:00:00Z', endedAt: '2026-11-22T12:00:00Z' },
];

const ids = (sessions: { sessionId: string }[]): string[] => sessions.map((session) => session.sessionId);

describe.each(BACKENDS)('on $name', (backend) => {
  describe('SessionStore on a realistic day', () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
      await insertSessions(db.sql, DAY);
    });
    afterAll(async () => {
      await db.close();
    });

    it('lists active sessions newest first, with everything ECHO recorded', async () => {
      const { value, dropped } = await new SessionStore(db.sql, 'UTC').activeSessions();
      expect(dropped).toEqual([]);
      expect(value.total).toBe(2);
      expect(value.sessions).toEqual([
        sessionRecord({ sessionId: 'a-dev' }),
        expect.objectContaining({
          sessionId: 'b-fix',
          agents: ['senior_developer'],
          startedAt: '2026-11-24T13:00:00.000Z',
        }),
      ]);
    });

    it.each([
      ['UTC', ['a-dev', 'b-fix', 'f-research', 'c-strategy', 'd-hr']],
      ['America/Los_Angeles', ['a-dev', 'b-fix', 'f-research', 'c-strategy']],
      ['Asia/Kolkata', ['a-dev', 'b-fix', 'f-research', 'c-strategy', 'd-hr', 'e-tech']],
    ])("gives the history of the user's own calendar day in %s", async (zone, expected) => {
      const { value } = await new SessionStore(db.sql, zone).history('2026-11-24');
      expect(ids(value)).toEqual(expected);
    });

    it('reads timestamps as UTC whatever the server time zone is', async () => {
      const { value } = await new SessionStore(db.sql, 'UTC').history('2026-11-24');
      const strategy = value.find((session) => session.sessionId === 'c-strategy');
      expect(strategy?.startedAt).toBe('2026-11-24T09:00:00.000Z');
      expect(strategy?.endedAt).toBe('2026-11-24T09:30:00.000Z');
      const { rows } = await db.sql.query('SELECT current_setting($1) AS zone', ['TimeZone']);
      expect(rows).toEqual([{ zone: 'Pacific/Chatham' }]);
    });

    it('passes unknown categories and statuses through', async () => {
      const { value } = await new SessionStore(db.sql, 'UTC').history('2026-11-24');
      expect(value.find((session) => session.sessionId === 'f-research')).toMatchObject({
        category: 'research',
        status: 'cancelled',
        agents: ['analyst'],
      });
    });

    it('sums up a local date range', async () => {
      const stats = await new SessionStore(db.sql, 'UTC').stats('2026-11-22', '2026-11-24');
      expect(stats).toEqual({
        from: '2026-11-22',
        to: '2026-11-24',
        totalSessions: 7,
        unreadableSessions: 0,
        // 2 + 1 + 3 + 2 + 3 + 1 + 2 agents over 7 sessions
        avgAgentsPerSession: 2,
        totalAgentsSpawned: 14,
        categoryBreakdown: {
          development: 1,
          quick_fix: 1,
          strategic: 1,
          hr: 1,
          technical: 1,
          research: 1,
          operations: 1,
        },
        statusBreakdown: { active: 2, completed: 3, error: 1, cancelled: 1 },
        // 1800 + 600 + 3600 + 300 + 7200 seconds over 5 ended sessions
        avgDurationSeconds: 2700,
        endedSessions: 5,
        sessionsPerDay: [
          { date: '2026-11-22', count: 1 },
          { date: '2026-11-23', count: 1 },
          { date: '2026-11-24', count: 5 },
        ],
      });
    });

    it('counts sessions per local day in the local zone', async () => {
      const stats = await new SessionStore(db.sql, 'America/Los_Angeles').stats('2026-11-23', '2026-11-24');
      expect(stats.sessionsPerDay).toEqual([
        { date: '2026-11-23', count: 2 },
        { date: '2026-11-24', count: 4 },
      ]);
      expect(stats.totalSessions).toBe(6);
    });

    it('gives empty figures, not errors, for a range with no sessions', async () => {
      const stats = await new SessionStore(db.sql, 'UTC').stats('2025-01-01', '2025-01-01');
      expect(stats).toMatchObject({
        totalSessions: 0,
        avgAgentsPerSession: 0,
        totalAgentsSpawned: 0,
        categoryBreakdown: {},
        statusBreakdown: {},
        avgDurationSeconds: null,
        endedSessions: 0,
        sessionsPerDay: [{ date: '2025-01-01', count: 0 }],
      });
    });

    it('counts sessions started in each of the last 24 hours', async () => {
      const timeline = await new SessionStore(db.sql, 'UTC').hourlyTimeline(NOW);
      expect(timeline).toHaveLength(24);
      expect(timeline[0]?.hourStart).toBe('2026-11-23T15:00:00.000Z');
      expect(timeline[23]?.hourStart).toBe('2026-11-24T14:00:00.000Z');
      const busy = Object.fromEntries(
        timeline.filter((hour) => hour.count > 0).map((hour) => [hour.hourStart, hour.count]),
      );
      expect(busy).toEqual({
        '2026-11-23T20:00:00.000Z': 1,
        '2026-11-24T02:00:00.000Z': 1,
        '2026-11-24T09:00:00.000Z': 1,
        '2026-11-24T10:00:00.000Z': 1,
        '2026-11-24T13:00:00.000Z': 1,
        '2026-11-24T14:00:00.000Z': 1,
      });
    });
  });

  describe('SessionStore limits', () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(async () => {
      await db.close();
    });

    it(`keeps a day's history to the newest ${HISTORY_LIMIT}`, async () => {
      const seeds = Array.from({ length: 60 }, (_, index) => ({
        sessionId: `busy-${String(index).padStart(2, '0')}`,
        startedAt: new Date(Date.parse('2026-06-01T00:00:00Z') + index * 60_000).toISOString(),
        endedAt: new Date(Date.parse('2026-06-01T00:00:30Z') + index * 60_000).toISOString(),
      }));
      await insertSessions(db.sql, seeds);
      const store = new SessionStore(db.sql, 'UTC');
      const { value } = await store.history('2026-06-01');
      expect(value).toHaveLength(HISTORY_LIMIT);
      expect(value[0]?.sessionId).toBe('busy-59');
      expect(value[HISTORY_LIMIT - 1]?.sessionId).toBe('busy-10');
      expect((await store.stats('2026-06-01', '2026-06-01')).totalSessions).toBe(60);
    });
  });

  describe('SessionStore with a huge description', () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
      await insertSessions(db.sql, [
        { sessionId: 'huge', description: `${'x'.repeat(1_048_575)}!`, startedAt: '2026-11-24T08:00:00Z' },
      ]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('reads its first 1,000 characters, marked as cut, in every list; an export reads it whole', async () => {
      const store = new SessionStore(db.sql, 'UTC');
      const shown = `${'x'.repeat(1000)}… (cut from 1,048,576 characters)`;
      expect((await store.history('2026-11-24')).value[0]?.description).toBe(shown);
      expect((await store.activeSessions()).value.sessions[0]?.description).toBe(shown);
      const picture = await store.dayPicture({
        now: Date.parse('2026-11-24T09:00:00Z'),
        today: '2026-11-24',
        historyDate: '2026-11-24',
      });
      expect([picture.value.history[0]?.description, picture.value.activeSessions[0]?.description]).toEqual([
        shown,
        shown,
      ]);
      const { rows } = await db.sql.query(`SELECT ${SESSION_COLUMNS} FROM delegator_sessions`);
      expect(readSessionRows(rows).value[0]?.description).toHaveLength(1_048_576);
    });
  });

  describe('SessionStore with rows it cannot read', () => {
    let db: SqlBackend;
    beforeAll(async () => {
      db = await backend.open();
      await insertSessions(db.sql, [
        { sessionId: 'good', startedAt: '2026-11-24T08:00:00Z' },
        { sessionId: 'forever', startedAt: 'infinity' },
        { sessionId: 'time-travel', startedAt: '2026-11-24T07:00:00Z', endedAt: '2026-11-24T06:00:00Z' },
        { sessionId: 'negative', startedAt: '2026-11-24T06:00:00Z', totalAgentsSpawned: -3 },
        {
          sessionId: 'holes',
          startedAt: '2026-11-24T05:00:00Z',
          agents: [null, 'cto', ''],
          totalAgentsSpawned: null,
          status: null,
          description: null,
        },
      ]);
    });
    afterAll(async () => {
      await db.close();
    });

    it('drops and names them, and keeps every readable row', async () => {
      const store = new SessionStore(db.sql, 'UTC');
      const active = await store.activeSessions();
      expect(ids(active.value.sessions)).toEqual(['good']);
      expect(active.dropped).toHaveLength(2);
      expect(active.dropped.join('\n')).toMatch(/session forever: started_at_ms/);
      expect(active.dropped.join('\n')).toMatch(/session negative: total_agents_spawned/);

      const history = await store.history('2026-11-24');
      expect(ids(history.value)).toEqual(['good', 'holes']);
      expect(history.dropped).toEqual([
        expect.stringMatching(/^session time-travel: ended_at: ended before it started/),
        expect.stringMatching(/^session negative: total_agents_spawned/),
      ]);
    });

    it('fills what a readable row left empty', async () => {
      const { value } = await new SessionStore(db.sql, 'UTC').history('2026-11-24');
      expect(value.find((session) => session.sessionId === 'holes')).toMatchObject({
        agents: ['cto'],
        // What the row holds: NULL is unknown, never 0 or a made-up status.
        totalAgentsSpawned: null,
        status: null,
        description: null,
      });
    });

    it('counts in the figures only the rows the history shows, and how many it left out', async () => {
      const stats = await new SessionStore(db.sql, 'UTC').stats('2026-11-24', '2026-11-24');
      expect([stats.totalSessions, stats.unreadableSessions]).toEqual([2, 2]);
      expect(stats.endedSessions).toBe(0);
      expect(stats.avgDurationSeconds).toBeNull();
      expect(stats.statusBreakdown).toEqual({ active: 1, unknown: 1 });
    });
  });
});
