import { describe, expect, it } from 'vitest';
import { agentSignalWarnings, type AgentSignals } from '../../src/main/core/agentWarnings';
import type { HeartbeatRecord } from '../../src/main/core/readings';
import type { AgentView } from '../../src/shared/model';
import { sessionRecord } from '../support/fixtures';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const minutesAgo = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

function agent(role: string, overrides: Partial<AgentView> = {}): AgentView {
  return {
    role,
    model: 'deepseek-coder:33b',
    spawnedAt: minutesAgo(10),
    sessionId: 's1',
    pid: null,
    host: null,
    status: 'running',
    lastHeartbeat: null,
    origins: ['heartbeat'],
    memoryGb: 18.8,
    memory: { estimatedGb: 33, ollamaGb: 18.8, vramGb: 0, processGb: null },
    processAlive: null,
    cpuPercent: null,
    uptimeSeconds: 600,
    heartbeat: { status: 'running', ageSeconds: 3, node: 'nonode@nohost', version: '0.1.0' },
    ...overrides,
  };
}

function row(role: string, ageSeconds: number, status = 'running'): HeartbeatRecord {
  return { role, status, lastHeartbeatAt: NOW - ageSeconds * 1000, node: 'nonode@nohost', version: '0.1.0' };
}

function signals(overrides: Partial<AgentSignals>): AgentSignals {
  return {
    now: NOW,
    agents: [],
    activeSessions: [sessionRecord({ sessionId: 's1', agents: ['cto'], startedAt: minutesAgo(10) })],
    heartbeats: { present: true, rows: [row('cto', 3)] },
    processesHere: true,
    heartbeatStaleSeconds: 30,
    ...overrides,
  };
}

const said = (warnings: ReturnType<typeof agentSignalWarnings>) => warnings.map((warning) => `${warning.kind}:${warning.role ?? ''}`);

describe("warnings from ECHO's own signals", () => {
  it("names a session's agent that has sent no heartbeat for longer than ECHO allows, with its age", () => {
    const warnings = agentSignalWarnings(signals({ heartbeats: { present: true, rows: [row('cto', 130)] } }));
    expect(said(warnings)).toEqual(['agent-heartbeat-stale:cto']);
    expect(warnings[0]?.message).toBe('CTO (session s1) has sent no heartbeat for 2m 10s. ECHO counts it down: end the session, or start the agent again.');
  });

  it("gives a new session's agents time for their first heartbeat", () => {
    const fresh = sessionRecord({ sessionId: 's1', agents: ['cto'], startedAt: new Date(NOW - 10_000).toISOString() });
    expect(agentSignalWarnings(signals({ activeSessions: [fresh], heartbeats: { present: true, rows: [row('ceo', 600)] } }))).toEqual([]);
  });

  it('flags a fresh heartbeat whose process is gone from this machine', () => {
    const warnings = agentSignalWarnings(signals({ agents: [agent('cto')] }));
    expect(said(warnings)).toEqual(['agent-process-gone:cto']);
    expect(warnings[0]?.message).toContain("CTO's heartbeat is 3s old, but no process of it runs on this machine.");
  });

  it('says nothing of processes where ECHO does not run on this machine', () => {
    expect(agentSignalWarnings(signals({ agents: [agent('cto')], processesHere: false }))).toEqual([]);
  });

  it('flags a process alive with no heartbeat for over 30 s as hung', () => {
    const hung = agent('cto', { origins: ['process', 'sessions'], pid: 4242, processAlive: true, heartbeat: { status: 'running', ageSeconds: 95, node: null, version: null } });
    const warnings = agentSignalWarnings(signals({ agents: [hung], heartbeats: { present: true, rows: [row('cto', 95)] } }));
    expect(said(warnings)).toEqual(['agent-hung:cto']);
    expect(warnings[0]?.message).toBe("CTO's process 4242 runs but has sent no heartbeat for 1m 35s: it may be hung. Stop it; the delegator starts it again when a task needs it.");
  });

  it('names an agent running in no active session that holds its model, as the best thing to stop', () => {
    const idle = agent('cto', { sessionId: null, origins: ['heartbeat', 'process'], pid: 4242, processAlive: true });
    const warnings = agentSignalWarnings(signals({ agents: [idle], activeSessions: [] }));
    expect(said(warnings)).toEqual(['agent-idle:cto']);
    expect(warnings[0]?.message).toBe('CTO runs in no active session and holds deepseek-coder:33b (18.8 GB): stopping it frees that memory.');
  });

  it('flags an agent whose status is error', () => {
    const failing = agent('cto', { status: 'error', origins: ['heartbeat', 'process'], pid: 7, processAlive: true, heartbeat: { status: 'error', ageSeconds: 2, node: null, version: null } });
    expect(said(agentSignalWarnings(signals({ agents: [failing] })))).toEqual(['agent-error:cto']);
  });
});
