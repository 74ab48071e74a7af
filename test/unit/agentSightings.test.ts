import { describe, expect, it } from 'vitest';
import { sightAgents, type SightingsInput } from '../../src/main/core/agentSightings';
import type { AgentProcess, HeartbeatRecord } from '../../src/main/core/readings';
import { sessionRecord } from '../support/fixtures';
import { agentProcess, registryAgent, registryData } from '../support/readings';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const secondsAgo = (seconds: number): number => NOW - seconds * 1000;

function beat(role: string, ageSeconds: number, status = 'running'): HeartbeatRecord {
  return { role, status, lastHeartbeatAt: secondsAgo(ageSeconds), node: 'nonode@nohost', version: '0.1.0' };
}

function process(role: string, pid: number, overrides: Partial<AgentProcess> = {}): AgentProcess {
  return agentProcess(role, pid, { rssBytes: 50 * 1024 ** 2, cpuPercent: 2, startedAt: secondsAgo(120), ...overrides });
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

const listed = (list: ReturnType<typeof sightAgents>) =>
  list.agents?.map(({ record }) => `${record.role}:${record.origins.join('+')}`);

describe('sightAgents', () => {
  it("shows another user's process beside a role this user's sources list, and never makes an agent, an origin or a figure of it", () => {
    const theirs = (role: string, pid: number) =>
      process(role, pid, { uid: 65534, otherUser: true, rssBytes: 900 * 1024 ** 2, cpuPercent: 90 });
    const list = sightAgents(
      input({
        heartbeats: shown({ present: true, rows: [beat('cto', 3)] }),
        processes: [
          process('ceo', 4100),
          theirs('ceo', 4101),
          theirs('cto', 4102),
          theirs('chro', 4103),
          theirs('product_manager', 4104),
        ],
      }),
    );
    // The chro and the product manager run only as another user's processes: no agent of this user's.
    expect(listed(list)).toEqual(['ceo:process', 'cto:heartbeat']);
    const [ceo, cto] = list.agents ?? [];
    expect(ceo?.process?.pid).toBe(4100);
    expect(ceo?.processes.map((copy) => [copy.pid, copy.otherUser, copy.rssBytes, copy.cpuPercent])).toEqual([
      [4100, false, 50 * 1024 ** 2, 2],
      [4101, true, null, null],
    ]);
    expect(cto?.record.pid).toBeNull();
    expect(cto?.process).toBeNull();
    expect(cto?.processes.map((copy) => [copy.pid, copy.otherUser])).toEqual([[4102, true]]);
  });

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
    expect(developer?.record).toMatchObject({
      pid: 4242,
      model: 'deepseek-coder:6.7b',
      sessionId: 's1',
      status: 'running',
    });
    expect(developer?.record.spawnedAt).toBe(new Date(secondsAgo(120)).toISOString());
    expect(developer?.heartbeat?.role).toBe('senior_developer');
  });

  it('leaves out an agent whose row says it stopped, or whose heartbeat is older than ECHO allows, when no process lives', () => {
    const list = sightAgents(
      input({
        heartbeats: shown({ present: true, rows: [beat('senior_developer', 2, 'stopped'), beat('test_lead', 31)] }),
      }),
    );
    expect(listed(list)).toEqual([]);
  });

  it("lists an agent running in no session, from its heartbeat alone, with EchoShared.LLM.Config's model", () => {
    const list = sightAgents(input({ heartbeats: shown({ present: true, rows: [beat('cto', 3)] }) }));
    expect(listed(list)).toEqual(['cto:heartbeat']);
    expect(list.agents?.[0]?.record).toMatchObject({
      sessionId: null,
      model: 'deepseek-coder:6.7b',
      status: 'running',
    });
  });

  it("names an agent's model from the registry, then its process's <ROLE>_MODEL, then its session (the delegator's table), then LLM.Config", () => {
    const heartbeats = shown({
      present: true,
      rows: [beat('ceo', 2), beat('cto', 2), beat('test_lead', 2), beat('uiux_engineer', 2)],
    });
    const list = sightAgents(
      input({
        registry: shown(registryData([registryAgent('ceo', 'qwen2.5:32b', { sessionId: null })])),
        heartbeats,
        processes: [
          process('ceo', 4240, { model: 'mistral:7b' }),
          process('cto', 4241, { model: 'deepseek-coder:33b' }),
          process('test_lead', 4242),
        ],
      }),
    );
    const models = Object.fromEntries((list.agents ?? []).map(({ record }) => [record.role, record.model]));
    expect(models).toEqual({
      ceo: 'qwen2.5:32b',
      cto: 'deepseek-coder:33b',
      test_lead: 'codellama:13b',
      uiux_engineer: 'llama3.1:8b',
    });
  });

  it("gives this machine's process's pid before the registry's", () => {
    const list = sightAgents(
      input({
        registry: shown(registryData([registryAgent('test_lead', 'codellama:13b', { sessionId: 's1', pid: 9 })])),
        heartbeats: shown({ present: true, rows: [beat('test_lead', 1)] }),
        processes: [process('test_lead', 4243)],
      }),
    );
    expect(list.agents?.[0]?.record.pid).toBe(4243);
  });

  it('keeps every copy of a role, oldest first, and takes the oldest as the agent', () => {
    const list = sightAgents(
      input({
        heartbeats: shown({ present: true, rows: [beat('cto', 2)] }),
        processes: [
          process('cto', 5353, { startedAt: secondsAgo(60) }),
          process('cto', 4242, { startedAt: secondsAgo(600) }),
          process('cto', 6464, { startedAt: null }),
        ],
      }),
    );
    const cto = list.agents?.[0];
    expect(cto?.processes.map((copy) => copy.pid)).toEqual([4242, 5353, 6464]);
    expect(cto?.process?.pid).toBe(4242);
    expect(cto?.record.pid).toBe(4242);
  });

  it('takes no heartbeat from before this monitor stopped the role for a running agent', () => {
    const stopped = new Map([['cto', secondsAgo(5)]]);
    const before = sightAgents(input({ heartbeats: shown({ present: true, rows: [beat('cto', 6)] }), stopped }));
    expect(listed(before)).toEqual([]);
    const after = sightAgents(input({ heartbeats: shown({ present: true, rows: [beat('cto', 1)] }), stopped }));
    expect(listed(after)).toEqual(['cto:heartbeat']);
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
    const list = sightAgents(
      input({ heartbeats: shown({ present: true, rows }, true, at), sessions: shown([], true, at), processes: null }),
    );
    expect(listed(list)).toEqual(['senior_developer:heartbeat']);
    expect(list.stale).toBe(true);
  });

  it('knows nothing when no source that names agents could be read', () => {
    expect(sightAgents(input({ sessions: null, heartbeats: null, processes: null }))).toEqual({
      agents: null,
      from: null,
      stale: false,
    });
  });
});
