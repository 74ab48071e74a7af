import { describe, expect, it } from 'vitest';
import { sightAgents, type SightingsInput } from '../../src/main/core/agentSightings';
import type { AgentProcess, HeartbeatRecord } from '../../src/main/core/readings';
import { sessionRecord } from '../support/fixtures';
import { registryAgent, registryData } from '../support/readings';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const secondsAgo = (seconds: number): number => NOW - seconds * 1000;

function beat(role: string, ageSeconds: number, status = 'running'): HeartbeatRecord {
  return { role, status, lastHeartbeatAt: secondsAgo(ageSeconds), node: 'nonode@nohost', version: '0.1.0' };
}

function process(role: string, pid: number, overrides: Partial<AgentProcess> = {}): AgentProcess {
  return { pid, role, model: null, rssBytes: 50 * 1024 ** 2, cpuPercent: 2, startedAt: secondsAgo(120), ...overrides };
}

const shown = <T>(value: T, stale = false, at = NOW) => ({ value, stale, at });

function input(overrides: Partial<SightingsInput>): SightingsInput {
  return {
    now: NOW,
    mode: 'auto',
    registry: null,
    registrySeen: false,
    sessions: shown([sessionRecord({ sessionId: 's1', agents: ['senior_developer', 'test_lead'] })]),
    heartbeats: shown({ present: true, rows: [beat('ceo', 600)] }),
    processes: [],
    heartbeatTimeoutSeconds: 30,
    ...overrides,
  };
}

const listed = (list: ReturnType<typeof sightAgents>) => list.agents?.map(({ record }) => `${record.role}:${record.origins.join('+')}`);

describe('sightAgents', () => {
  it('runs an agent whose heartbeat is fresh or whose process lives, saying who saw it and which session it serves', () => {
    const list = sightAgents(
      input({
        heartbeats: shown({ present: true, rows: [beat('senior_developer', 4), beat('test_lead', 45)] }),
        processes: [process('senior_developer', 4242, { model: 'deepseek-coder:6.7b' }), process('test_lead', 4243)],
      }),
    );
    expect(listed(list)).toEqual(['senior_developer:heartbeat+process+sessions', 'test_lead:process+sessions']);
    expect(list.from).toEqual(['heartbeat', 'process']);
    const developer = list.agents?.[0];
    expect(developer?.record).toMatchObject({ pid: 4242, model: 'deepseek-coder:6.7b', sessionId: 's1', status: 'running' });
    expect(developer?.record.spawnedAt).toBe(new Date(secondsAgo(120)).toISOString());
    expect(developer?.heartbeat?.role).toBe('senior_developer');
  });

  it('leaves out an agent whose row says it stopped, or whose heartbeat is older than ECHO allows, when no process lives', () => {
    const list = sightAgents(input({ heartbeats: shown({ present: true, rows: [beat('senior_developer', 2, 'stopped'), beat('test_lead', 31)] }) }));
    expect(listed(list)).toEqual([]);
  });

  it('lists an agent running in no session, from its heartbeat alone', () => {
    const list = sightAgents(input({ heartbeats: shown({ present: true, rows: [beat('cto', 3)] }) }));
    expect(listed(list)).toEqual(['cto:heartbeat']);
    expect(list.agents?.[0]?.record).toMatchObject({ sessionId: null, model: 'deepseek-coder:33b', status: 'running' });
  });

  it("reads the sessions' agents as the list where ECHO keeps no heartbeats (an older ECHO)", () => {
    const list = sightAgents(input({ heartbeats: shown({ present: false, rows: [] }), processes: null }));
    expect(listed(list)).toEqual(['senior_developer:sessions', 'test_lead:sessions']);
    expect(list.from).toEqual(['sessions']);
  });

  it("reads the sessions' agents where the table exists but no agent ever wrote to it", () => {
    const list = sightAgents(input({ heartbeats: shown({ present: true, rows: [] }), processes: null }));
    expect(listed(list)).toEqual(['senior_developer:sessions', 'test_lead:sessions']);
  });

  it('adds the registry to the other sources', () => {
    const list = sightAgents(
      input({
        registry: shown(registryData([registryAgent('test_lead', 'codellama:13b', { sessionId: 's1', pid: 9 })])),
        heartbeats: shown({ present: true, rows: [beat('test_lead', 1), beat('senior_developer', 1)] }),
      }),
    );
    expect(listed(list)).toEqual(['senior_developer:heartbeat+sessions', 'test_lead:registry+heartbeat+sessions']);
    expect(list.from).toEqual(['registry', 'heartbeat', 'process']);
  });

  it('judges the last heartbeats read as of when they were read while PostgreSQL is down, so agents do not vanish with it', () => {
    const at = secondsAgo(300);
    const rows = [{ ...beat('senior_developer', 0), lastHeartbeatAt: at - 2000 }];
    const list = sightAgents(input({ heartbeats: shown({ present: true, rows }, true, at), sessions: shown([], true, at), processes: null }));
    expect(listed(list)).toEqual(['senior_developer:heartbeat']);
    expect(list.stale).toBe(true);
  });

  it('knows nothing when no source that names agents could be read', () => {
    expect(sightAgents(input({ sessions: null, heartbeats: null, processes: null }))).toEqual({ agents: null, from: null, stale: false });
  });
});
