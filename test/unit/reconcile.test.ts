import { describe, expect, it } from 'vitest';
import { EMPTY_RECONCILE_STATE, reconcile, type ReconcileInput } from '../../src/main/core/reconcile';
import type { AgentView } from '../../src/shared/model';
import { GIB, gib } from '../support/bytes';
import { sessionRecord } from '../support/fixtures';
import { registryAgent } from '../support/readings';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const minutesAgo = (minutes: number): string => new Date(NOW - minutes * 60_000).toISOString();

function agent(role: string, overrides: Partial<AgentView> = {}): AgentView {
  return {
    ...registryAgent(role, 'm:7b'),
    memoryBytes: 7 * GIB,
    memory: { estimatedBytes: 7 * GIB, modelLoaded: null, ollamaBytes: null, vramBytes: null, processBytes: null },
    processAlive: null,
    cpuPercent: null,
    uptimeSeconds: 60,
    heartbeat: null,
    copies: [],
    subscribers: null,
    ...overrides,
  };
}

function input(overrides: Partial<ReconcileInput>): ReconcileInput {
  return {
    now: NOW,
    activeSessions: [],
    agents: [],
    agentsFrom: ['registry'],
    heartbeats: null,
    processesHere: false,
    residentModels: [],
    ...overrides,
  };
}

const kinds = (result: ReturnType<typeof reconcile>) =>
  result.warnings.map((warning) => `${warning.kind}:${warning.sessionId ?? warning.role ?? warning.model ?? ''}`);

describe('reconcile', () => {
  it('flags an active session with no agents once agents have had time to spawn', () => {
    const fresh = sessionRecord({ sessionId: 'new', agents: [], startedAt: minutesAgo(1) });
    const idle = sessionRecord({ sessionId: 'idle', agents: [], startedAt: minutesAgo(5) });
    const result = reconcile(input({ activeSessions: [fresh, idle] }), EMPTY_RECONCILE_STATE);
    expect(kinds(result)).toEqual(['session-without-agents:idle']);
    expect(result.warnings[0]?.message).toBe('Session idle (development) has been active for 5m 0s with no agents.');
  });

  it('flags a session dated in the future, past a clock drift, and nothing else of it', () => {
    const drifted = sessionRecord({ sessionId: 'drift', agents: [], startedAt: minutesAgo(-0.5) });
    const future = sessionRecord({ sessionId: 'future', agents: [], startedAt: '2100-01-01T00:00:00.000Z' });
    const result = reconcile(input({ activeSessions: [drifted, future] }), EMPTY_RECONCILE_STATE);
    expect(kinds(result)).toEqual(['session-dated-future:future']);
    expect(result.warnings[0]?.message).toBe(
      'Session future is dated in the future (it starts 2100-01-01T00:00:00.000Z): the clock of the machine that wrote it, or the row, is wrong.',
    );
  });

  it('flags a registry agent whose process is gone or whose heartbeat stopped', () => {
    const result = reconcile(
      input({
        activeSessions: [sessionRecord({ agents: ['cto', 'ceo', 'chro'] })],
        agents: [
          agent('cto', { pid: 4242, processAlive: false }),
          agent('ceo', { lastHeartbeat: minutesAgo(3) }),
          agent('chro', { pid: 7, processAlive: true, lastHeartbeat: minutesAgo(0.25) }),
        ],
      }),
      EMPTY_RECONCILE_STATE,
    );
    expect(kinds(result)).toEqual(['agent-process-gone:cto', 'agent-heartbeat-stale:ceo']);
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      "CTO's process 4242 is gone, but the registry still lists it.",
      'CEO has sent no heartbeat for 3m 0s.',
    ]);
  });

  it('flags a session still active long after its agents are gone', () => {
    const session = sessionRecord({ sessionId: 'crashed', startedAt: minutesAgo(60) });
    const running = reconcile(
      input({
        now: NOW - 11 * 60_000,
        activeSessions: [session],
        agents: [agent('senior_developer', { sessionId: 'crashed' })],
      }),
      EMPTY_RECONCILE_STATE,
    );
    expect(kinds(running)).toEqual([]);
    const soon = reconcile(input({ now: NOW - 5 * 60_000, activeSessions: [session], agents: [] }), running.state);
    expect(kinds(soon)).toEqual([]);
    const later = reconcile(input({ activeSessions: [session], agents: [] }), soon.state);
    expect(kinds(later)).toEqual(['session-orphaned:crashed']);
    expect(later.warnings[0]?.message).toContain('none of its agents has run for 11m 0s');
  });

  it('leaves orphan checks alone when agents come from the sessions themselves', () => {
    const session = sessionRecord({ sessionId: 'crashed', startedAt: minutesAgo(60) });
    expect(
      kinds(
        reconcile(input({ activeSessions: [session], agents: [], agentsFrom: ['sessions'] }), EMPTY_RECONCILE_STATE),
      ),
    ).toEqual([]);
  });

  it('flags a model Ollama holds with no agent using it', () => {
    const result = reconcile(
      input({
        residentModels: [
          {
            name: 'qwen2.5:14b',
            sizeBytes: gib(8.9),
            sizeFrom: 'ollama',
            vramBytes: gib(8.9),
            ramBytes: 0,
            expiresAt: null,
            unloadsInSeconds: null,
            staysLoaded: false,
            usedBy: [],
          },
          {
            name: 'm:7b',
            sizeBytes: 4 * GIB,
            sizeFrom: 'ollama',
            vramBytes: 4 * GIB,
            ramBytes: 0,
            expiresAt: null,
            unloadsInSeconds: null,
            staysLoaded: false,
            usedBy: ['cto'],
          },
        ],
      }),
      EMPTY_RECONCILE_STATE,
    );
    expect(result.warnings).toEqual([
      {
        kind: 'model-unused',
        model: 'qwen2.5:14b',
        message: 'Ollama holds qwen2.5:14b (8.9 GB) with no agent using it.',
      },
    ]);
  });

  it('marks the size of an unused model as approximate where Ollama gave none and the estimate stands in', () => {
    const result = reconcile(
      input({
        residentModels: [
          {
            name: 'deepseek-coder:6.7b',
            sizeBytes: gib(6.7),
            sizeFrom: 'estimate',
            vramBytes: 0,
            ramBytes: gib(6.7),
            expiresAt: null,
            unloadsInSeconds: 240,
            staysLoaded: false,
            usedBy: [],
          },
        ],
      }),
      EMPTY_RECONCILE_STATE,
    );
    expect(result.warnings.map((warning) => warning.message)).toEqual([
      'Ollama holds deepseek-coder:6.7b (~6.7 GB) with no agent using it; it unloads in 4m 0s.',
    ]);
  });

  it('calls an agent in no session idle only where this ECHO records sessions', () => {
    const held = agent('cto', {
      sessionId: null,
      origins: ['registry'],
      memoryBytes: 4 * GIB,
      memory: { estimatedBytes: 7 * GIB, modelLoaded: true, ollamaBytes: 4 * GIB, vramBytes: 0, processBytes: null },
    });
    expect(kinds(reconcile(input({ agents: [held] }), EMPTY_RECONCILE_STATE))).toEqual([]);
    expect(kinds(reconcile(input({ agents: [held], sessionsRecorded: false }), EMPTY_RECONCILE_STATE))).toEqual([]);
    expect(kinds(reconcile(input({ agents: [held], sessionsRecorded: true }), EMPTY_RECONCILE_STATE))).toEqual([
      'agent-idle:cto',
    ]);
  });

  it('says nothing when it cannot know the agents', () => {
    const result = reconcile(
      input({
        agents: null,
        activeSessions: [sessionRecord({ agents: [], startedAt: minutesAgo(30) })],
        residentModels: [
          {
            name: 'x:1b',
            sizeBytes: GIB,
            sizeFrom: 'ollama',
            vramBytes: GIB,
            ramBytes: 0,
            expiresAt: null,
            unloadsInSeconds: null,
            staysLoaded: false,
            usedBy: [],
          },
        ],
      }),
      EMPTY_RECONCILE_STATE,
    );
    expect(result.warnings).toEqual([]);
  });
});

describe('a heartbeat with no process known here', () => {
  const beating = agent('cto', {
    origins: ['heartbeat'],
    heartbeat: { status: 'running', ageSeconds: 2, node: 'nonode@nohost', version: '1.0.0' },
  });
  const poll = (now: number, listedAt: number, agents: AgentView[] = [beating]) =>
    input({ now, agents, agentsFrom: ['heartbeat'], processesHere: true, processesListedAt: listedAt });

  it('is no finding until a listing made since it began says so: an agent that has just started is not yet listed', () => {
    // The listing ran 20 s ago, before CTO's first heartbeat: nothing can be said yet.
    const first = reconcile(poll(NOW, NOW - 20_000), EMPTY_RECONCILE_STATE);
    expect(kinds(first)).toEqual([]);
    expect(first.state.processMissingSince.get('cto')).toBe(NOW);
    // Five seconds on, with a listing that still predates it: still nothing.
    const second = reconcile(poll(NOW + 5000, NOW - 20_000), first.state);
    expect(kinds(second)).toEqual([]);
    // A listing started after CTO was first found missing finds no process: now it is one.
    const third = reconcile(poll(NOW + 10_000, NOW + 6000), second.state);
    expect(kinds(third)).toEqual(['agent-process-gone:cto']);
  });

  it('starts again once the process is found, and stays a finding where no listing time is told', () => {
    const missing = reconcile(poll(NOW, NOW - 20_000), EMPTY_RECONCILE_STATE);
    const found = reconcile(
      poll(NOW + 5000, NOW + 1000, [{ ...beating, origins: ['heartbeat', 'process'] }]),
      missing.state,
    );
    expect(found.state.processMissingSince.size).toBe(0);
    expect(
      kinds(
        reconcile(input({ agents: [beating], agentsFrom: ['heartbeat'], processesHere: true }), EMPTY_RECONCILE_STATE),
      ),
    ).toEqual(['agent-process-gone:cto']);
  });
});
