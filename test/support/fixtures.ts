import type { AgentRecord, SessionRecord } from '../../src/shared/model';

/** The protocol's example registry entry, as the delegator writes it into `<prefix>agents`. */
export const SENIOR_DEVELOPER_ENTRY = {
  role: 'senior_developer',
  model: 'deepseek-coder:6.7b',
  spawned_at: '2026-11-24T14:23:05Z',
  session_id: 'session_1731355385_a1b2c3d4',
  pid: 4242,
  host: 'gpu-box',
  status: 'running',
  last_heartbeat: '2026-11-24T14:25:00Z',
};

/** What the monitor reads from {@link SENIOR_DEVELOPER_ENTRY}. */
export const SENIOR_DEVELOPER_AGENT: AgentRecord = {
  role: 'senior_developer',
  model: 'deepseek-coder:6.7b',
  spawnedAt: '2026-11-24T14:23:05.000Z',
  sessionId: 'session_1731355385_a1b2c3d4',
  pid: 4242,
  host: 'gpu-box',
  status: 'running',
  lastHeartbeat: '2026-11-24T14:25:00.000Z',
  origins: ['registry'],
};

/** The seed's example session, active, with whatever the test changes. */
export function sessionRecord(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    sessionId: 'session_1731355385_a1b2c3d4',
    category: 'development',
    description: 'Implement password reset feature',
    agents: ['senior_developer', 'test_lead'],
    startedAt: '2026-11-24T14:23:05.000Z',
    endedAt: null,
    totalAgentsSpawned: 2,
    tasksDelegated: 0,
    status: 'active',
    ...overrides,
  };
}
