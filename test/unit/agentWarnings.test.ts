import { describe, expect, it } from 'vitest';
import { agentSignalWarnings, type AgentSignals } from '../../src/main/core/agentWarnings';
import type { HeartbeatRecord } from '../../src/main/core/readings';
import type { AgentView, EchoMachine, EchoProcessView } from '../../src/shared/model';
import { gib } from '../support/bytes';
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
    memoryBytes: gib(18.8),
    memory: { estimatedBytes: gib(33), modelLoaded: true, ollamaBytes: gib(18.8), vramBytes: 0, processBytes: null },
    processAlive: null,
    cpuPercent: null,
    uptimeSeconds: 600,
    heartbeat: { status: 'running', ageSeconds: 3, node: 'nonode@nohost', version: '0.1.0' },
    copies: [],
    subscribers: null,
    ...overrides,
  };
}

/** One VM of a role under `/home/ana/echo`, started by hand. */
function copy(role: string, pid: number, overrides: Partial<EchoProcessView> = {}): EchoProcessView {
  return {
    pid,
    role,
    root: '/home/ana/echo',
    form: 'autonomous',
    processBytes: gib(0.3),
    cpuPercent: 1,
    uptimeSeconds: 600,
    parentPid: 1200,
    parentName: 'bash',
    launchedBy: null,
    orphaned: false,
    otherUser: false,
    ...overrides,
  };
}

function echo(overrides: Partial<EchoMachine> = {}): EchoMachine {
  return {
    roots: ['/home/ana/echo'],
    configuredRoot: null,
    delegators: [],
    otherRoots: 0,
    otherUsers: 0,
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
    // An active session is on record, so this ECHO records its sessions.
    sessionsRecorded: true,
    echo: null,
    ...overrides,
  };
}

const said = (warnings: ReturnType<typeof agentSignalWarnings>) =>
  warnings.map((warning) => `${warning.kind}:${warning.role ?? ''}`);

describe("warnings from ECHO's own signals", () => {
  it("names a session's agent that has sent no heartbeat for longer than ECHO allows, with its age", () => {
    const warnings = agentSignalWarnings(signals({ heartbeats: { present: true, rows: [row('cto', 130)] } }));
    expect(said(warnings)).toEqual(['agent-heartbeat-stale:cto']);
    expect(warnings[0]?.message).toBe(
      'CTO (session s1) has sent no heartbeat for 2m 10s. ECHO counts it down: end the session, or start the agent again.',
    );
  });

  it("gives a new session's agents time for their first heartbeat", () => {
    const fresh = sessionRecord({ sessionId: 's1', agents: ['cto'], startedAt: new Date(NOW - 10_000).toISOString() });
    expect(
      agentSignalWarnings(signals({ activeSessions: [fresh], heartbeats: { present: true, rows: [row('ceo', 600)] } })),
    ).toEqual([]);
  });

  it('flags a fresh heartbeat whose process is gone from this machine', () => {
    const warnings = agentSignalWarnings(signals({ agents: [agent('cto')] }));
    expect(said(warnings)).toEqual(['agent-process-gone:cto']);
    expect(warnings[0]?.message).toBe(
      "CTO's heartbeat is 3s old, but no process of it runs on this machine. It may run on another machine (ECHO's heartbeats name none), or it has just exited; ECHO counts it down once its heartbeat is 30s old.",
    );
  });

  it('says nothing of processes where ECHO does not run on this machine', () => {
    expect(agentSignalWarnings(signals({ agents: [agent('cto')], processesHere: false }))).toEqual([]);
  });

  it('flags a process alive with no heartbeat for over 30 s as hung', () => {
    const hung = agent('cto', {
      origins: ['process', 'sessions'],
      pid: 4242,
      processAlive: true,
      heartbeat: { status: 'running', ageSeconds: 95, node: null, version: null },
    });
    const warnings = agentSignalWarnings(
      signals({ agents: [hung], heartbeats: { present: true, rows: [row('cto', 95)] } }),
    );
    expect(said(warnings)).toEqual(['agent-hung:cto']);
    expect(warnings[0]?.message).toBe(
      "CTO's process 4242 runs but has sent no heartbeat for 1m 35s: it may be hung, or cannot reach PostgreSQL (ECHO's agents keep quiet about database errors). Look at its log; stop it and start it again.",
    );
  });

  it('names an agent running in no active session that holds its model, as the best thing to stop, where this ECHO records sessions', () => {
    const idle = agent('cto', { sessionId: null, origins: ['heartbeat', 'process'], pid: 4242, processAlive: true });
    // No session is active now, but one was recorded within the day.
    const warnings = agentSignalWarnings(signals({ agents: [idle], activeSessions: [], sessionsRecorded: true }));
    expect(said(warnings)).toEqual(['agent-idle:cto']);
    expect(warnings[0]?.message).toBe(
      'CTO runs in no active session and holds deepseek-coder:33b (18.8 GB): stopping it frees that memory.',
    );
  });

  it('calls no agent idle where this ECHO records no sessions, or where that cannot be told', () => {
    const idle = agent('cto', { sessionId: null, origins: ['heartbeat', 'process'], pid: 4242, processAlive: true });
    expect(agentSignalWarnings(signals({ agents: [idle], activeSessions: [], sessionsRecorded: false }))).toEqual([]);
    expect(agentSignalWarnings(signals({ agents: [idle], activeSessions: [], sessionsRecorded: null }))).toEqual([]);
  });

  it('calls no agent idle whose model Ollama does not hold: stopping it frees no model', () => {
    const unloaded = agent('cto', {
      sessionId: null,
      origins: ['heartbeat', 'process'],
      pid: 4242,
      processAlive: true,
      memoryBytes: 0,
      memory: {
        estimatedBytes: gib(33),
        modelLoaded: false,
        ollamaBytes: null,
        vramBytes: null,
        processBytes: gib(0.3),
      },
    });
    expect(agentSignalWarnings(signals({ agents: [unloaded], activeSessions: [], sessionsRecorded: true }))).toEqual(
      [],
    );
  });

  it('flags an agent whose status is error', () => {
    const failing = agent('cto', {
      status: 'error',
      origins: ['heartbeat', 'process'],
      pid: 7,
      processAlive: true,
      heartbeat: { status: 'error', ageSeconds: 2, node: null, version: null },
    });
    expect(said(agentSignalWarnings(signals({ agents: [failing] })))).toEqual(['agent-error:cto']);
  });

  it('flags a role running more than once from one root, naming the orphans', () => {
    const copies = [copy('cto', 4242), copy('cto', 5353, { orphaned: true, parentPid: 1, parentName: 'init' })];
    const twice = agent('cto', { origins: ['heartbeat', 'process'], pid: 4242, processAlive: true, copies });
    const warnings = agentSignalWarnings(signals({ agents: [twice] }));
    expect(said(warnings)).toEqual(['agent-copies:cto']);
    expect(warnings[0]?.message).toBe(
      'CTO runs twice (pids 4242, 5353): ECHO handles each of its messages twice; stop the older (pid 4242). Pid 5353 is orphaned: a delegator that died left it running.',
    );
  });

  it("counts only this user's copies: another user's look-alike under the root raises no copies warning", () => {
    const copies = [copy('cto', 4242), copy('cto', 6464, { otherUser: true, processBytes: null, cpuPercent: null })];
    const once = agent('cto', { origins: ['heartbeat', 'process'], pid: 4242, processAlive: true, copies });
    expect(
      said(agentSignalWarnings(signals({ agents: [once], echo: echo({ configuredRoot: '/home/ana/echo' }) }))),
    ).toEqual([]);
    // Nor with the channel's two subscribers: one copy of this user's here, the other may be anyone's anywhere.
    const subscribed = agent('cto', {
      origins: ['heartbeat', 'process', 'subscription'],
      pid: 4242,
      processAlive: true,
      copies,
      subscribers: 2,
    });
    expect(agentSignalWarnings(signals({ agents: [subscribed] }))[0]?.message).toBe(
      'CTO runs twice (2 subscribers to messages:cto, pids 4242 here): ECHO handles each of its messages twice; stop all but one.',
    );
  });

  it("says a role's only process here is another user's when its heartbeat has none of this user's", () => {
    const theirs = agent('cto', {
      copies: [copy('cto', 6464, { otherUser: true, processBytes: null, cpuPercent: null })],
      processAlive: true,
    });
    const warnings = agentSignalWarnings(signals({ agents: [theirs] }));
    expect(said(warnings)).toEqual(['agent-process-gone:cto']);
    expect(warnings[0]?.message).toContain(
      "no process of it runs on this machine as this user (pid 6464 here is another user's).",
    );
  });

  it('counts copies of one role from different roots apart', () => {
    const copies = [copy('cto', 4242), copy('cto', 5353, { root: '/srv/echo' })];
    const apart = agent('cto', { origins: ['heartbeat', 'process'], pid: 4242, processAlive: true, copies });
    expect(
      said(agentSignalWarnings(signals({ agents: [apart], echo: echo({ configuredRoot: '/home/ana/echo' }) }))),
    ).toEqual([]);
  });

  it('asks for a root where ECHO runs here from several and none is configured', () => {
    const warnings = agentSignalWarnings(
      signals({ activeSessions: [], echo: echo({ roots: ['/home/ana/echo', '/srv/echo'] }) }),
    );
    expect(said(warnings)).toEqual(['echo-roots:']);
    expect(warnings[0]?.message).toBe(
      'ECHO runs here from 2 checkouts (/home/ana/echo, /srv/echo); their agents are shown together. Set MONITOR_AGENT_PROCESSES to the root to watch; until then Stop acts on none of them.',
    );
    expect(
      agentSignalWarnings(
        signals({
          activeSessions: [],
          echo: echo({ roots: ['/home/ana/echo', '/srv/echo'], configuredRoot: '/srv/echo' }),
        }),
      ),
    ).toEqual([]);
    expect(agentSignalWarnings(signals({ activeSessions: [], echo: echo() }))).toEqual([]);
  });
});
