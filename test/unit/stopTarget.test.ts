import { describe, expect, it } from 'vitest';
import type { AgentProcess, EchoProcesses } from '../../src/main/core/readings';
import { chooseStopTarget, stoppableRoot } from '../../src/main/core/stopTarget';
import type { Snapshot } from '../../src/shared/model';
import {
  agentProcess,
  echoProcesses,
  failed,
  ok,
  postgresData,
  registryAgent,
  registryData,
} from '../support/readings';
import { snapshotAt } from '../support/snapshots';

const NOW = Date.parse('2026-11-24T15:00:00Z');
const ROOT = '/home/ana/echo';
const OTHER_ROOT = '/srv/echo-next';

/** The snapshot the monitor makes from a scan that found these processes. */
const snapshotWith = (agents: readonly AgentProcess[], overrides: Partial<EchoProcesses> = {}): Snapshot =>
  snapshotAt(NOW, { agentProcesses: ok(echoProcesses(agents, overrides)) });

const stop = (role: string, pid?: number) =>
  pid === undefined ? { type: 'stop_agent' as const, role } : { type: 'stop_agent' as const, role, pid };

/** A copy started `minutesAgo` minutes before NOW. */
const copy = (role: string, pid: number, minutesAgo: number, overrides: Partial<AgentProcess> = {}): AgentProcess =>
  agentProcess(role, pid, { startedAt: NOW - minutesAgo * 60_000, ...overrides });

describe('chooseStopTarget', () => {
  it('finds nothing to stop where no copy of the role runs on this machine', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5)]);
    expect(chooseStopTarget(snapshot, stop('ceo'))).toEqual({
      kind: 'none',
      reason: 'no process of CEO runs on this machine',
    });
    // The registry names the senior developer; no process of it runs here.
    expect(snapshot.agents?.some((agent) => agent.role === 'senior_developer' && agent.copies.length === 0)).toBe(true);
    expect(chooseStopTarget(snapshot, stop('senior_developer'))).toEqual({
      kind: 'none',
      reason: 'no process of Senior Developer runs on this machine',
    });
    expect(
      chooseStopTarget(snapshotAt(NOW, { agentProcesses: failed('ps: command not found') }), stop('cto')),
    ).toMatchObject({ kind: 'none' });
    expect(chooseStopTarget(null, stop('cto'))).toMatchObject({ kind: 'none' });
  });

  it('stops the one copy under the only root running here', () => {
    expect(chooseStopTarget(snapshotWith([copy('cto', 101, 5), copy('ceo', 102, 5)]), stop('cto'))).toEqual({
      kind: 'process',
      pid: 101,
      root: ROOT,
    });
  });

  it('refuses where several roots run and none is configured, naming them', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5), copy('ceo', 201, 5, { root: OTHER_ROOT })]);
    const refused = {
      kind: 'refused',
      reason: `ECHO runs here from 2 checkouts (${ROOT}, ${OTHER_ROOT}); set MONITOR_AGENT_PROCESSES to the one whose agents may be stopped`,
    };
    expect(snapshot.echo?.roots).toEqual([ROOT, OTHER_ROOT]);
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual(refused);
    expect(chooseStopTarget(snapshot, stop('cto', 101))).toEqual(refused);
  });

  it('refuses where the root of the copies cannot be told', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5, { root: null })]);
    expect(snapshot.echo?.roots).toEqual([]);
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({
      kind: 'refused',
      reason:
        'the ECHO checkout CTO runs from cannot be told, so it is not stopped; set MONITOR_AGENT_PROCESSES to its root',
    });
  });

  it('stops the copy under the configured root, however the root is written', () => {
    const snapshot = snapshotWith([copy('cto', 201, 5, { root: OTHER_ROOT })], {
      configuredRoot: `${OTHER_ROOT}/`,
      roots: [OTHER_ROOT, ROOT],
      otherRoots: 1,
    });
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({ kind: 'process', pid: 201, root: `${OTHER_ROOT}/` });
    expect(chooseStopTarget(snapshot, stop('cto', 201))).toEqual({ kind: 'process', pid: 201, root: `${OTHER_ROOT}/` });
  });

  it('refuses another user’s copy of a role this user’s sources list', () => {
    const theirs = copy('cto', 301, 5, { uid: 1001, otherUser: true });
    // ECHO's heartbeat lists the cto; the only process of it here is another user's.
    const heartbeats = {
      present: true,
      rows: [{ role: 'cto', status: 'running', lastHeartbeatAt: NOW - 3000, node: 'nonode@nohost', version: null }],
    };
    const snapshot = snapshotAt(NOW, {
      agentProcesses: ok(echoProcesses([theirs], { configuredRoot: ROOT, roots: [] })),
      postgres: ok(postgresData([], { heartbeats })),
    });
    expect(
      snapshot.agents?.find((agent) => agent.role === 'cto')?.copies.map((one) => [one.pid, one.otherUser]),
    ).toEqual([[301, true]]);
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({
      kind: 'refused',
      reason: "CTO runs here only as another user's or another checkout's process (301)",
    });
    expect(chooseStopTarget(snapshot, stop('cto', 301))).toEqual({
      kind: 'refused',
      reason: 'pid 301 belongs to another user',
    });
  });

  it('finds nothing to stop of a role that runs here only as another user’s process, which lists no agent', () => {
    const snapshot = snapshotWith([copy('cto', 301, 5, { uid: 1001, otherUser: true })], {
      configuredRoot: ROOT,
      roots: [],
    });
    expect(snapshot.agents?.map((agent) => agent.role)).not.toContain('cto');
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({
      kind: 'none',
      reason: 'no process of CTO runs on this machine',
    });
  });

  it('never takes a pid only the registry names, on another host or this one, for the process to stop', () => {
    const registry = ok(
      registryData([
        registryAgent('cto', 'deepseek-coder:6.7b', { pid: 999, host: 'elsewhere.example' }),
        registryAgent('ceo', 'llama3.1:8b', { pid: 998 }),
      ]),
    );
    const snapshot = snapshotAt(NOW, { agentProcesses: ok(echoProcesses([copy('cto', 101, 5)])), registry });
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({ kind: 'process', pid: 101, root: ROOT });
    expect(chooseStopTarget(snapshot, stop('cto', 999))).toEqual({
      kind: 'refused',
      reason: "pid 999 is not one of CTO's processes (101)",
    });
    expect(chooseStopTarget(snapshot, stop('ceo'))).toEqual({
      kind: 'none',
      reason: 'no process of CEO runs on this machine',
    });
    expect(chooseStopTarget(snapshot, stop('ceo', 998))).toEqual({
      kind: 'none',
      reason: 'no process of CEO runs on this machine',
    });
  });

  it('stops this user’s copy beside another user’s', () => {
    const snapshot = snapshotWith([copy('cto', 301, 50, { uid: 1001, otherUser: true }), copy('cto', 101, 5)], {
      configuredRoot: ROOT,
    });
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({ kind: 'process', pid: 101, root: ROOT });
  });

  it('refuses two copies when no pid is named, naming their pids oldest first', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5), copy('cto', 102, 60)]);
    expect(snapshot.agents?.find((agent) => agent.role === 'cto')?.copies.map((one) => one.pid)).toEqual([102, 101]);
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({
      kind: 'refused',
      reason: 'CTO runs 2 times here (pids 102, 101); name the one to stop',
    });
  });

  it('stops the copy whose pid is named', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5), copy('cto', 102, 60)]);
    expect(chooseStopTarget(snapshot, stop('cto', 101))).toEqual({ kind: 'process', pid: 101, root: ROOT });
    expect(chooseStopTarget(snapshot, stop('cto', 102))).toEqual({ kind: 'process', pid: 102, root: ROOT });
  });

  it('refuses a pid that is none of the role’s copies', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5), copy('cto', 102, 60), copy('ceo', 103, 5)]);
    expect(chooseStopTarget(snapshot, stop('cto', 103))).toEqual({
      kind: 'refused',
      reason: "pid 103 is not one of CTO's processes (102, 101)",
    });
    expect(chooseStopTarget(snapshot, stop('cto', 999))).toEqual({
      kind: 'refused',
      reason: "pid 999 is not one of CTO's processes (102, 101)",
    });
  });

  it('refuses a named copy whose root cannot be told, and stops the one under the root', () => {
    const snapshot = snapshotWith([copy('cto', 101, 5), copy('cto', 104, 60, { root: null })]);
    expect(snapshot.echo?.roots).toEqual([ROOT]);
    expect(chooseStopTarget(snapshot, stop('cto', 104))).toEqual({
      kind: 'refused',
      reason: `pid 104 runs from an unknown checkout, not from ${ROOT}`,
    });
    expect(chooseStopTarget(snapshot, stop('cto'))).toEqual({ kind: 'process', pid: 101, root: ROOT });
  });
});

describe('stoppableRoot', () => {
  it('is the configured root, else the only root running here, else none', () => {
    expect(stoppableRoot(snapshotWith([copy('cto', 101, 5)], { configuredRoot: OTHER_ROOT }))).toBe(OTHER_ROOT);
    expect(stoppableRoot(snapshotWith([copy('cto', 101, 5)]))).toBe(ROOT);
    expect(stoppableRoot(snapshotWith([copy('cto', 101, 5), copy('ceo', 201, 5, { root: OTHER_ROOT })]))).toBeNull();
    expect(stoppableRoot(snapshotWith([]))).toBeNull();
    expect(stoppableRoot(snapshotAt(NOW))).toBeNull();
    expect(stoppableRoot(null)).toBeNull();
  });
});
