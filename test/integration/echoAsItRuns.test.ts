import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import type { AgentView, Snapshot } from '../../src/shared/model';
import { GIB } from '../support/bytes';
import { applyEchoMigrations } from '../support/echoSchema';
import {
  erlangAvailable,
  erlangKeeper,
  startErlangAgent,
  type ErlangAgent,
  type ErlangAgentOptions,
} from '../support/erlangAgents';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { runCliInProcess } from '../support/cliInProcess';
import { pidExists } from '../support/echoAgentProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

/**
 * ECHO as its users run it: real Erlang VMs running escripts laid out as
 * ECHO's, in every launch form, against ECHO's own schema (its migrations as
 * SQL), with no registry and no session rows, as ECHO at its current commit.
 */

const keeper = erlangKeeper();
let db: TestDatabase;
let ollama: FakeOllama;
const services: MonitorService[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  await applyEchoMigrations(db.pool);
  // ECHO sends no keep_alive: an idle ECHO usually holds no model at all.
  ollama = await startFakeOllama({ kind: 'answer', body: JSON.stringify({ models: [] }) });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await keeper.stopAll();
  await db.pool.query('DELETE FROM agent_status');
});

afterAll(async () => {
  await ollama.close();
  await db.drop();
});

/** What ECHO's HeartbeatWorker upserts every 5 s: `running`, whole seconds in UTC, no host. */
async function beat(...roles: string[]): Promise<void> {
  for (const role of roles) {
    await db.pool.query(
      `INSERT INTO agent_status (role, status, last_heartbeat, metadata) VALUES ($1, 'running', (now() AT TIME ZONE 'UTC')::timestamp(0), $2)
       ON CONFLICT (role) DO UPDATE SET last_heartbeat = EXCLUDED.last_heartbeat, status = 'running', metadata = EXCLUDED.metadata`,
      [role, { version: '1.0.0', timestamp: new Date().toISOString(), node: 'nonode@nohost' }],
    );
  }
}

async function watch(agentProcesses: string): Promise<MonitorService> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: ollama.endpoint,
    MONITOR_POLL_MS: '600000',
    MONITOR_AGENT_PROCESSES: agentProcesses,
  });
  const service = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
  services.push(service);
  return service;
}

const start = (options: ErlangAgentOptions): Promise<ErlangAgent> => keeper.add(startErlangAgent(options));
const agentOf = (snapshot: Snapshot, role: string): AgentView | undefined =>
  snapshot.agents?.find((agent) => agent.role === role);
const kinds = (snapshot: Snapshot): string[] => snapshot.warnings.map((warning) => warning.kind);

describe.skipIf(!erlangAvailable())('ECHO as it runs, with real Erlang VMs as agents', () => {
  it.each([
    ['autonomous from its app folder (./cto --autonomous)', 'autonomous-relative', 'autonomous'],
    ['autonomous by its absolute path', 'autonomous-absolute', 'autonomous'],
    ["MCP mode from ECHO's script (tail | nohup, no flag)", 'mcp', 'mcp'],
    ["Claude Desktop's agents/<role>/<role>", 'claude-desktop', 'mcp'],
    ['mix run --no-halt in apps/<role>', 'mix', 'mix'],
  ] as const)('sees an agent started %s: its VM, memory, uptime and launch form', async (_what, form, launched) => {
    const root = await keeper.root();
    const agent = await start({ root: root.path, role: 'cto', form });
    await beat('cto');
    const seen = await (await watch(root.path)).monitor.pollNow();
    const cto = agentOf(seen, 'cto');
    expect(cto).toMatchObject({ pid: agent.vmPid, processAlive: true, origins: ['heartbeat', 'process'] });
    expect(cto?.copies).toEqual([
      expect.objectContaining({ pid: agent.vmPid, root: root.path, form: launched, orphaned: false, otherUser: false }),
    ]);
    // Its VM was measured, to the byte (tens of MB); its uptime is its own.
    expect(cto?.memory.processBytes).toBeGreaterThan(0);
    expect(Number.isInteger(cto?.memory.processBytes)).toBe(true);
    expect(cto?.uptimeSeconds).toBeLessThan(60);
    expect(kinds(seen)).not.toContain('agent-process-gone');
  });

  it("takes the model from <ROLE>_MODEL, else from ECHO's LLM.Config defaults, and shows it not loaded while Ollama holds nothing", async () => {
    const root = await keeper.root();
    await start({ root: root.path, role: 'cto', form: 'autonomous-absolute' });
    await start({
      root: root.path,
      role: 'senior_developer',
      form: 'autonomous-absolute',
      env: { SENIOR_DEVELOPER_MODEL: 'qwen2.5-coder:7b' },
    });
    await beat('cto', 'senior_developer');
    const seen = await (await watch(root.path)).monitor.pollNow();
    expect(agentOf(seen, 'cto')?.model).toBe('deepseek-coder:6.7b');
    expect(agentOf(seen, 'senior_developer')?.model).toBe('qwen2.5-coder:7b');
    // Memory is what is loaded: the VMs, no model, no estimate in the totals.
    expect(agentOf(seen, 'cto')?.memory).toMatchObject({ modelLoaded: false, ollamaBytes: null });
    expect(agentOf(seen, 'cto')?.memoryBytes).toBe(0);
    expect(seen.summary.memorySource).toBe('measured');
    expect(seen.summary.memoryBytes ?? Infinity).toBeLessThan(GIB);
    expect(seen.summary.memoryBytes).toBeGreaterThan(0);
    expect(seen.summary.measuredRamBytes).toBe(seen.summary.memoryBytes);
    expect(seen.alerts.filter((alert) => alert.rule === 'memory-vs-ram')).toEqual([]);
    // No session rows, as ECHO at its current commit writes none: no idleness is read into that.
    expect(seen.sessionsRecorded).toBe(false);
    expect(kinds(seen)).not.toContain('agent-idle');
    expect(kinds(seen)).not.toContain('model-unused');
  });

  it('measures and stops the VM under a wrapper, never the wrapper', async () => {
    const root = await keeper.root();
    const underTimeout = await start({
      root: root.path,
      role: 'test_lead',
      form: 'autonomous-absolute',
      wrapper: 'timeout',
    });
    const inLoop = await start({ root: root.path, role: 'ceo', form: 'autonomous-absolute', wrapper: 'restart-loop' });
    await beat('test_lead', 'ceo');
    const service = await watch(root.path);
    const seen = await service.monitor.pollNow();
    expect(agentOf(seen, 'test_lead')?.copies.map((copy) => [copy.pid, copy.parentName])).toEqual([
      [underTimeout.vmPid, 'timeout'],
    ]);
    expect(agentOf(seen, 'ceo')?.copies.map((copy) => copy.pid)).toEqual([inLoop.vmPid]);

    expect(await service.sendCommand({ type: 'stop_agent', role: 'ceo' })).toEqual({
      ok: true,
      id: expect.any(String),
    });
    expect(pidExists(inLoop.vmPid)).toBe(false);
    // The loop was not signalled: it lives, and starts the agent again, as such a loop does.
    expect(inLoop.wrapperPid === null ? false : pidExists(inLoop.wrapperPid)).toBe(true);
    expect(await service.sendCommand({ type: 'stop_agent', role: 'test_lead' })).toEqual({
      ok: true,
      id: expect.any(String),
    });
    expect(pidExists(underTimeout.vmPid)).toBe(false);
  });

  it('marks a stopped agent gone at once, though its last heartbeat is still fresh', async () => {
    const root = await keeper.root();
    const agent = await start({ root: root.path, role: 'product_manager', form: 'autonomous-relative' });
    await beat('product_manager');
    const service = await watch(root.path);
    await service.monitor.pollNow();
    expect(await service.sendCommand({ type: 'stop_agent', role: 'product_manager' })).toEqual({
      ok: true,
      id: expect.any(String),
    });
    expect(pidExists(agent.vmPid)).toBe(false);
    const after = await service.monitor.pollNow();
    expect(agentOf(after, 'product_manager')).toBeUndefined();
    expect(kinds(after)).not.toContain('agent-process-gone');
  });

  it('shows every copy of a role and its orphan, counts their memory, and stops only the copy named', async () => {
    const root = await keeper.root();
    const orphan = await start({ root: root.path, role: 'ceo', form: 'autonomous-absolute', orphan: true });
    const second = await start({ root: root.path, role: 'ceo', form: 'autonomous-absolute' });
    await beat('ceo');
    const service = await watch(root.path);
    const seen = await service.monitor.pollNow();
    const ceo = agentOf(seen, 'ceo');
    expect(ceo?.copies.map((copy) => copy.pid)).toEqual([orphan.vmPid, second.vmPid]);
    // Its launcher exited, so init took it over: nobody will stop it.
    expect(ceo?.copies.map((copy) => copy.orphaned)).toEqual([true, false]);
    const perCopy = (ceo?.copies ?? []).reduce((sum, copy) => sum + (copy.processBytes ?? 0), 0);
    expect(perCopy).toBeGreaterThan(0);
    expect(ceo?.memory.processBytes).toBe(perCopy);
    expect(seen.warnings.find((warning) => warning.kind === 'agent-copies')?.message).toContain(
      `CEO runs twice (pids ${orphan.vmPid}, ${second.vmPid})`,
    );

    const refused = await service.sendCommand({ type: 'stop_agent', role: 'ceo' });
    expect(refused).toMatchObject({
      ok: false,
      failure: 'not_sent',
      error: expect.stringContaining('name the one to stop'),
    });
    expect(await service.sendCommand({ type: 'stop_agent', role: 'ceo', pid: orphan.vmPid })).toEqual({
      ok: true,
      id: expect.any(String),
    });
    // Init may leave it a zombie for a while: it has exited all the same.
    expect(orphan.exited()).toBe(true);
    expect(second.exited()).toBe(false);
    expect(agentOf(await service.monitor.pollNow(), 'ceo')?.copies.map((copy) => copy.pid)).toEqual([second.vmPid]);
  });

  it('shows the delegator apart, and never takes it for an agent', async () => {
    const root = await keeper.root();
    const delegator = await start({ root: root.path, role: 'delegator', form: 'delegator' });
    const seen = await (await watch(root.path)).monitor.pollNow();
    expect(seen.echo?.delegators.map((process) => process.pid)).toEqual([delegator.vmPid]);
    expect(agentOf(seen, 'delegator')).toBeUndefined();
  });

  it('with two roots and none chosen, shows both, says how to choose, and stops neither', async () => {
    const ours = await keeper.root('echo root a');
    const theirs = await keeper.root('echo root b');
    const one = await start({ root: ours.path, role: 'chro', form: 'autonomous-absolute' });
    const other = await start({ root: theirs.path, role: 'chro', form: 'autonomous-absolute' });
    await beat('chro');
    const service = await watch('on');
    const seen = await service.monitor.pollNow();
    expect(seen.echo?.roots).toEqual(expect.arrayContaining([ours.path, theirs.path]));
    expect(agentOf(seen, 'chro')?.copies.map((copy) => copy.root)).toEqual(
      expect.arrayContaining([ours.path, theirs.path]),
    );
    expect(seen.warnings.find((warning) => warning.kind === 'echo-roots')?.message).toContain(
      'MONITOR_AGENT_PROCESSES',
    );
    // Two roots' copies are not one ECHO's copies.
    expect(kinds(seen)).not.toContain('agent-copies');
    const outcome = await service.sendCommand({ type: 'stop_agent', role: 'chro', pid: one.vmPid });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'not_sent',
      error: expect.stringContaining('set MONITOR_AGENT_PROCESSES'),
    });
    expect([pidExists(one.vmPid), pidExists(other.vmPid)]).toEqual([true, true]);
  });

  it("with the root chosen, leaves the other root's agent out and never signals it", async () => {
    const ours = await keeper.root('echo root a');
    const theirs = await keeper.root('echo root b');
    const mine = await start({ root: ours.path, role: 'operations_head', form: 'autonomous-absolute' });
    const other = await start({ root: theirs.path, role: 'operations_head', form: 'autonomous-absolute' });
    await beat('operations_head');
    const service = await watch(ours.path);
    const seen = await service.monitor.pollNow();
    expect(agentOf(seen, 'operations_head')?.copies.map((copy) => copy.pid)).toEqual([mine.vmPid]);
    expect(seen.echo).toMatchObject({ configuredRoot: ours.path });
    expect(seen.echo?.otherRoots).toBeGreaterThanOrEqual(1);
    const elsewhere = await service.sendCommand({ type: 'stop_agent', role: 'operations_head', pid: other.vmPid });
    expect(elsewhere).toMatchObject({ ok: false, failure: 'not_sent' });
    expect(pidExists(other.vmPid)).toBe(true);
    expect(await service.sendCommand({ type: 'stop_agent', role: 'operations_head' })).toEqual({
      ok: true,
      id: expect.any(String),
    });
    expect([pidExists(mine.vmPid), pidExists(other.vmPid)]).toEqual([false, true]);
  });

  it('stop-agent on the command line stops the VM as Stop does, and says what ECHO does next', async () => {
    const root = await keeper.root();
    const agent = await start({
      root: root.path,
      role: 'senior_architect',
      form: 'autonomous-absolute',
      wrapper: 'timeout',
    });
    const env = {
      DATABASE_URL: db.url,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_AGENT_PROCESSES: root.path,
    };
    const run = await runCliInProcess(['stop-agent', 'senior_architect'], { env, now: () => Date.now() });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out).toBe(
      `Stopped senior_architect (pid ${agent.vmPid}). ECHO keeps the role registered until its delegator restarts.\n`,
    );
    expect(agent.exited()).toBe(true);
    // Nothing of it runs here now: with no registry there is no other way, and it says so.
    const again = await runCliInProcess(['stop-agent', 'senior_architect'], { env, now: () => Date.now() });
    expect(again.code).toBe(2);
    expect(again.err).toBe(
      'Could not stop senior_architect: no process of Senior Architect runs on this machine, and ECHO offers no other way to stop it\n',
    );
  });

  it("shows another user's agent under the chosen root and never signals it", async () => {
    const root = await keeper.root();
    const nobody = await start({
      root: root.path,
      role: 'uiux_engineer',
      form: 'autonomous-absolute',
      user: { uid: 65534, gid: 65534 },
    });
    await beat('uiux_engineer');
    const service = await watch(root.path);
    const seen = await service.monitor.pollNow();
    expect(agentOf(seen, 'uiux_engineer')?.copies).toEqual([
      expect.objectContaining({ pid: nobody.vmPid, otherUser: true }),
    ]);
    const outcome = await service.sendCommand({ type: 'stop_agent', role: 'uiux_engineer' });
    expect(outcome).toMatchObject({ ok: false, failure: 'not_sent' });
    expect(pidExists(nobody.vmPid)).toBe(true);
  });
});
