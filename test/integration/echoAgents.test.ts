import { basename } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import { pidExists, processKeeper, startEchoAgentProcess } from '../support/echoAgentProcess';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

let db: TestDatabase;
const keeper = processKeeper();
const services: MonitorService[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await keeper.stopAll();
});

afterAll(async () => {
  await db.drop();
});

/** ECHO as it is: no Redis registry, its agents' heartbeats in PostgreSQL, their processes on this machine. */
async function watch(root: string): Promise<MonitorService> {
  const loaded = loadConfig({
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: 'off',
    MONITOR_POLL_MS: '600000',
    MONITOR_AGENT_PROCESSES: root,
  });
  // These agents are Node stand-ins, named as the demo names its own where Erlang is missing.
  const config = { ...loaded, agentProcesses: { root, extraVmExecutables: [basename(process.execPath)] } };
  const service = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
  services.push(service);
  return service;
}

describe('ECHO as it runs', () => {
  it('shows an agent from its heartbeat and its own process: pid, memory, CPU, real uptime, and which session it serves; Stop ends that process', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'senior_developer', model: 'deepseek-coder:6.7b' }));
    await insertSessions(db.pool, [
      {
        sessionId: 'live',
        category: 'quick_fix',
        agents: ['senior_developer'],
        startedAt: new Date(Date.now() - 120_000).toISOString(),
      },
    ]);
    await db.pool.query(
      `INSERT INTO agent_status (role, status, last_heartbeat, metadata) VALUES ('senior_developer', 'running', (now() AT TIME ZONE 'UTC')::timestamp(0), '{"node": "nonode@nohost", "version": "1.0.0"}')
       ON CONFLICT (role) DO UPDATE SET last_heartbeat = EXCLUDED.last_heartbeat, status = 'running'`,
    );
    const service = await watch(agent.root);
    const seen = await service.monitor.pollNow();
    const developer = seen.agents?.find((candidate) => candidate.role === 'senior_developer');
    expect(developer).toMatchObject({
      pid: agent.pid,
      sessionId: 'live',
      model: 'deepseek-coder:6.7b',
      processAlive: true,
      origins: ['heartbeat', 'process', 'sessions'],
      heartbeat: { status: 'running', node: 'nonode@nohost', version: '1.0.0' },
    });
    expect(developer?.memory.processBytes).toBeGreaterThan(0);
    // Started a moment ago, not when the session did: the uptime is the process's own.
    expect(developer?.uptimeSeconds).toBeLessThan(60);
    expect(seen.summary.agentsFrom).toEqual(['heartbeat', 'process']);
    await expect.poll(async () => (await service.monitor.pollNow()).agents?.[0]?.cpuPercent ?? null).not.toBeNull();

    const outcome = await service.sendCommand({ type: 'stop_agent', role: 'senior_developer' });
    expect(outcome).toEqual({ ok: true, id: expect.any(String) });
    // Stop saw it exit; this test's process, its parent, reaps it a moment later.
    await expect.poll(() => pidExists(agent.pid), { timeout: 2000 }).toBe(false);
    // Its last heartbeat is still fresh for a while, but it is the stopped agent's: the next poll shows it gone, with
    // no warning of our own making.
    const after = await service.monitor.pollNow();
    expect(after.agents?.find((candidate) => candidate.role === 'senior_developer')).toBeUndefined();
    expect(after.warnings.map((warning) => warning.kind)).toEqual([]);
  });

  it('shows an agent started after a poll as soon as its heartbeat has it looked for, not at the next poll', async () => {
    const loaded = loadConfig({
      DATABASE_URL: db.url,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: 'off',
      MONITOR_POLL_MS: '600000',
      MONITOR_AGENT_PROCESSES: 'on',
    });
    const config = { ...loaded, agentProcesses: { root: null, extraVmExecutables: [basename(process.execPath)] } };
    const service = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
    services.push(service);
    await service.monitor.pollNow();
    const agent = await keeper.add(startEchoAgentProcess({ role: 'uiux_engineer' }));
    await db.pool.query(
      `INSERT INTO agent_status (role, status, last_heartbeat, metadata) VALUES ('uiux_engineer', 'running', (now() AT TIME ZONE 'UTC')::timestamp(0), '{}')
       ON CONFLICT (role) DO UPDATE SET last_heartbeat = EXCLUDED.last_heartbeat, status = 'running'`,
    );
    // This poll sees the heartbeat with no process known: the listing it asks for runs beside it, and its end polls
    // again. The next tick is ten minutes away.
    await service.monitor.pollNow();
    await expect
      .poll(() => (service.getSnapshot()?.agents ?? []).some((shown) => shown.pid === agent.pid), { timeout: 5000 })
      .toBe(true);
  });

  it('answers Stop with the reason where no delegator listens and the agent runs elsewhere', async () => {
    const agent = await keeper.add(startEchoAgentProcess({ role: 'cto' }));
    const service = await watch(`${agent.root}-elsewhere`);
    await expect(service.sendCommand({ type: 'stop_agent', role: 'cto' })).rejects.toThrow(
      'no process of CTO runs on this machine',
    );
    expect(pidExists(agent.pid)).toBe(true);
  });
});
