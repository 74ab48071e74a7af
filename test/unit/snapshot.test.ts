import { describe, expect, it } from 'vitest';
import type { AgentRecord, SessionStats } from '../../src/shared/model';
import { agentsFromSessions } from '../../src/main/core/agentsFromSessions';
import { sessionRecord } from '../support/fixtures';
import { buildSnapshot, type AgentReading, type PostgresReading } from '../../src/main/core/snapshot';

const NOW = Date.parse('2026-11-24T14:28:28Z');

const session = sessionRecord;

function agent(role: string, model: string, spawnedAt: string | null): AgentRecord {
  return { role, model, spawnedAt, sessionId: null, pid: null, host: null, status: 'running', lastHeartbeat: null, origin: 'registry' };
}

const STATS: SessionStats = {
  from: '2026-11-24',
  to: '2026-11-24',
  totalSessions: 3,
  avgAgentsPerSession: 2,
  totalAgentsSpawned: 6,
  categoryBreakdown: { development: 3 },
  statusBreakdown: { active: 1, completed: 2 },
  avgDurationSeconds: 600,
  endedSessions: 2,
  sessionsPerDay: [{ date: '2026-11-24', count: 3 }],
};

const POSTGRES_OK: PostgresReading = {
  ok: true,
  activeSessions: [session({})],
  activeTotal: 1,
  history: [session({}), session({ sessionId: 'done', startedAt: '2026-11-24T09:00:00.000Z', endedAt: '2026-11-24T09:10:00.000Z', status: 'completed' })],
  stats: STATS,
  sessionsToday: 3,
  timeline: [{ hourStart: '2026-11-24T14:00:00.000Z', count: 1 }],
  dropped: ['session x: started_at_ms: timestamp out of range'],
};

const AGENTS_OK: AgentReading = {
  agents: [agent('senior_developer', 'deepseek-coder:6.7b', '2026-11-24T14:23:05.000Z'), agent('test_lead', 'codellama:13b', null)],
  health: { state: 'ok', dropped: 0, droppedReasons: [], agentsFrom: 'registry' },
};

function build(postgres: PostgresReading, agents: AgentReading) {
  return buildSnapshot({ now: NOW, timeZone: 'UTC', today: '2026-11-24', historyDate: '2026-11-24', postgres, agents });
}

describe('buildSnapshot', () => {
  it("matches the seed's example: two agents, ~19.7 GB, one session 5m 23s old", () => {
    const snapshot = build(POSTGRES_OK, AGENTS_OK);
    expect(snapshot.takenAt).toBe('2026-11-24T14:28:28.000Z');
    expect(snapshot.summary).toEqual({ activeAgents: 2, activeSessions: 1, sessionsToday: 3, memoryGb: 19.7 });
    expect(snapshot.activeSessions?.[0]?.durationSeconds).toBe(323);
    expect(snapshot.agents?.map((view) => [view.role, view.memoryGb, view.uptimeSeconds])).toEqual([
      ['senior_developer', 6.7, 323],
      ['test_lead', 13, null],
    ]);
    expect(snapshot.history?.map((view) => view.durationSeconds)).toEqual([323, 600]);
    expect(snapshot.sources.postgres).toEqual({
      state: 'ok',
      dropped: 1,
      droppedReasons: ['session x: started_at_ms: timestamp out of range'],
    });
  });

  it('shows what PostgreSQL would have said as unknown, never as zero, when it is down', () => {
    const snapshot = build({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:5433' }, AGENTS_OK);
    expect(snapshot.sources.postgres).toEqual({ state: 'error', error: 'connect ECONNREFUSED 127.0.0.1:5433', dropped: 0, droppedReasons: [] });
    expect(snapshot.summary).toEqual({ activeAgents: 2, activeSessions: null, sessionsToday: null, memoryGb: 19.7 });
    expect(snapshot.activeSessions).toBeNull();
    expect(snapshot.history).toBeNull();
    expect(snapshot.stats).toBeNull();
    expect(snapshot.timeline).toBeNull();
  });

  it('shows agents as unknown when no source can name them', () => {
    const snapshot = build(POSTGRES_OK, {
      agents: null,
      health: { state: 'error', error: 'Redis: connect ECONNREFUSED 127.0.0.1:6383', dropped: 0, droppedReasons: [] },
    });
    expect(snapshot.summary.activeAgents).toBeNull();
    expect(snapshot.summary.memoryGb).toBeNull();
    expect(snapshot.agents).toBeNull();
  });

  it('never reports a negative duration for a clock that runs behind', () => {
    const snapshot = build({ ...POSTGRES_OK, activeSessions: [session({ startedAt: '2026-11-24T15:00:00.000Z' })] }, AGENTS_OK);
    expect(snapshot.activeSessions?.[0]?.durationSeconds).toBe(0);
  });
});

describe('agentsFromSessions', () => {
  it("names each role once, with ECHO's model and the earliest session's start", () => {
    const agents = agentsFromSessions([
      session({ sessionId: 'late', agents: ['senior_developer', 'cto'], startedAt: '2026-11-24T14:00:00.000Z' }),
      session({ sessionId: 'early', agents: ['senior_developer', 'mystery_role'], startedAt: '2026-11-24T12:00:00.000Z' }),
    ]);
    expect(agents.map((found) => [found.role, found.model, found.spawnedAt, found.sessionId])).toEqual([
      ['cto', 'deepseek-coder:33b', '2026-11-24T14:00:00.000Z', 'late'],
      ['mystery_role', 'unknown', '2026-11-24T12:00:00.000Z', 'early'],
      ['senior_developer', 'deepseek-coder:6.7b', '2026-11-24T12:00:00.000Z', 'early'],
    ]);
    expect(agents.every((found) => found.origin === 'sessions')).toBe(true);
  });

  it('is empty for no sessions', () => {
    expect(agentsFromSessions([])).toEqual([]);
  });
});
