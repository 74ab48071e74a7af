import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/config';
import { classifyEchoProcess } from '../../src/main/core/echoProcess';
import { StopLimiter } from '../../src/main/core/stopLimiter';
import { startMonitorService, type MonitorService } from '../../src/main/monitor/monitorService';
import { GpuMemoryReader } from '../../src/main/sources/machine/gpuMemory';
import { readMacMemory } from '../../src/main/sources/machine/macMemory';
import { ARGUMENTS_READ_LIMIT } from '../../src/main/sources/processes/procFiles';
import { describeProcess, listProcesses } from '../../src/main/sources/processes/processListing';
import { runCommand } from '../../src/main/sources/machine/runCommand';
import type { AgentView, Snapshot } from '../../src/shared/model';
import { applyEchoMigrations } from '../support/echoSchema';
import {
  canChoosePids,
  erlangAvailable,
  erlangKeeper,
  nextPidWillBe,
  startErlangAgent,
  startLookalikeVm,
  type ErlangAgentOptions,
  type LookalikeVm,
  type LookalikeVmOptions,
} from '../support/erlangAgents';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { redisMissing } from '../support/needs';

/**
 * Stop and the process scanner against processes that pretend: another
 * user's look-alikes of ECHO's VMs (anyone can name a binary `beam.smp` and
 * give it an agent's arguments), a pid handed to a later process, a
 * registry that names any pid it likes, two megabytes of arguments, a page
 * asking for Stop in a loop. Real processes throughout; every one is
 * stopped by its pid after each test.
 */
const asRoot = process.getuid?.() === 0;
const NOBODY = { uid: 65534, gid: 65534 };
if (erlangAvailable() && !asRoot)
  console.warn("skipped: the tests with another user's processes need to run as root, to start them");

const keeper = erlangKeeper();
const lookalikes: LookalikeVm[] = [];
let db: TestDatabase;
let ollama: FakeOllama;
const services: MonitorService[] = [];

beforeAll(async () => {
  db = await createTestDatabase({ migrated: false });
  await applyEchoMigrations(db.pool);
  ollama = await startFakeOllama({ kind: 'answer', body: JSON.stringify({ models: [] }) });
});

afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
  await Promise.all(lookalikes.splice(0).map((lookalike) => lookalike.stop()));
  await keeper.stopAll();
  await db.pool.query('DELETE FROM agent_status');
});

afterAll(async () => {
  await ollama.close();
  await db.drop();
});

/** ECHO's HeartbeatWorker's upsert, which lists the role as running. */
async function beat(...roles: string[]): Promise<void> {
  for (const role of roles) {
    await db.pool.query(
      `INSERT INTO agent_status (role, status, last_heartbeat, metadata) VALUES ($1, 'running', (now() AT TIME ZONE 'UTC')::timestamp(0), '{"node": "nonode@nohost"}')
       ON CONFLICT (role) DO UPDATE SET last_heartbeat = EXCLUDED.last_heartbeat, status = 'running'`,
      [role],
    );
  }
}

async function watch(root: string, env: Readonly<Record<string, string>> = {}): Promise<MonitorService> {
  const config = loadConfig({
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: ollama.endpoint,
    MONITOR_POLL_MS: '600000',
    MONITOR_AGENT_PROCESSES: root,
    ...env,
  });
  const service = await startMonitorService({ kind: 'echo', config }, { timeZone: 'UTC', defaultDataDir: null });
  services.push(service);
  return service;
}

const agent = (options: ErlangAgentOptions) => keeper.add(startErlangAgent(options));
async function lookalike(options: LookalikeVmOptions): Promise<LookalikeVm> {
  const started = await startLookalikeVm(options);
  lookalikes.push(started);
  return started;
}
const agentOf = (snapshot: Snapshot, role: string): AgentView | undefined =>
  snapshot.agents?.find((candidate) => candidate.role === role);
const copiesOf = (snapshot: Snapshot, role: string) =>
  agentOf(snapshot, role)?.copies.map((copy) => [copy.pid, copy.otherUser]);

describe.skipIf(!erlangAvailable())('Stop signals only the process this machine’s scan found', () => {
  it.skipIf(!asRoot)(
    "never signals another user's look-alike under the root, and stops this user's copy beside it",
    async () => {
      const root = await keeper.root();
      const ours = await agent({ root: root.path, role: 'cto', form: 'autonomous-absolute' });
      const theirs = await lookalike({ root: root.path, role: 'cto', user: NOBODY });
      const service = await watch(root.path);
      const seen = await service.monitor.pollNow();
      expect(copiesOf(seen, 'cto')?.sort()).toEqual(
        [
          [ours.vmPid, false],
          [theirs.pid, true],
        ].sort(),
      );
      expect(await service.sendCommand({ type: 'stop_agent', role: 'cto', pid: theirs.pid })).toMatchObject({
        ok: false,
        failure: 'not_sent',
        error: `pid ${theirs.pid} belongs to another user`,
      });
      expect(await service.sendCommand({ type: 'stop_agent', role: 'cto' })).toEqual({
        ok: true,
        id: expect.any(String),
      });
      expect([ours.exited(), theirs.exited()]).toEqual([true, false]);
    },
  );

  it.skipIf(!asRoot)(
    'takes a process whose effective user is another for that user’s, and never signals it',
    async () => {
      const root = await keeper.root();
      // Its real id is this user's; `ps` shows it as nobody's, and it acts as nobody.
      const partly = await lookalike({ root: root.path, role: 'cto', effectiveUser: NOBODY });
      await beat('cto');
      const service = await watch(root.path);
      const seen = await service.monitor.pollNow();
      expect(copiesOf(seen, 'cto')).toEqual([[partly.pid, true]]);
      expect(await service.sendCommand({ type: 'stop_agent', role: 'cto' })).toMatchObject({
        ok: false,
        failure: 'not_sent',
      });
      expect(await service.sendCommand({ type: 'stop_agent', role: 'cto', pid: partly.pid })).toMatchObject({
        ok: false,
        failure: 'not_sent',
      });
      expect(partly.exited()).toBe(false);
    },
  );

  it.runIf(canChoosePids())('refuses a later process given the pid the scan found, however alike', async ({ skip }) => {
    const root = await keeper.root();
    const first = await agent({ root: root.path, role: 'ceo', form: 'autonomous-absolute' });
    const service = await watch(root.path);
    expect(copiesOf(await service.monitor.pollNow(), 'ceo')).toEqual([[first.vmPid, false]]);
    // The agent exits; a process of this same user, just like it, is given its pid before the next poll.
    await first.stop();
    let later: LookalikeVm | null = null;
    for (let attempt = 0; attempt < 20 && later === null; attempt += 1) {
      const started = await lookalike({
        root: root.path,
        role: 'ceo',
        beforeSpawn: () => {
          nextPidWillBe(first.vmPid);
        },
      });
      if (started.pid === first.vmPid) later = started;
      else await started.stop();
    }
    if (later === null) {
      skip('other processes took the pid on every attempt');
      return;
    }
    const outcome = await service.sendCommand({ type: 'stop_agent', role: 'ceo' });
    expect(outcome).toMatchObject({
      ok: false,
      failure: 'not_sent',
      error: `pid ${first.vmPid} is no longer the process the scan found (it started at another time); nothing was signalled`,
    });
    expect(later.exited()).toBe(false);
  });

  it.skipIf(redisMissing() !== null)(
    'signals no pid a registry names, whatever host it gives, only the one the scan found',
    async () => {
      const redis: TestRedis = await createTestRedis();
      try {
        const root = await keeper.root();
        const elsewhere = await keeper.root('echo elsewhere');
        const ours = await agent({ root: root.path, role: 'cto', form: 'autonomous-absolute' });
        // A VM of this user's under another root, which the registry claims is the cto, here and on another host.
        const decoy = await lookalike({ root: elsewhere.path, role: 'cto' });
        await redis.redis.hset(
          `${redis.prefix}agents`,
          'cto',
          JSON.stringify({ role: 'cto', pid: decoy.pid, host: 'elsewhere.example' }),
        );
        await redis.redis.hset(`${redis.prefix}agents`, 'ceo', JSON.stringify({ role: 'ceo', pid: decoy.pid }));
        const service = await watch(root.path, {
          REGISTRY_MODE: 'redis',
          REDIS_URL: redis.url,
          REDIS_PREFIX: redis.prefix,
        });
        const seen = await service.monitor.pollNow();
        expect(agentOf(seen, 'cto')).toMatchObject({
          pid: ours.vmPid,
          copies: [expect.objectContaining({ pid: ours.vmPid })],
        });
        expect(await service.sendCommand({ type: 'stop_agent', role: 'cto', pid: decoy.pid })).toMatchObject({
          ok: false,
          failure: 'not_sent',
        });
        // No process of the ceo here: the command goes to a delegator, of which none listens; nothing is signalled.
        expect(await service.sendCommand({ type: 'stop_agent', role: 'ceo' })).toMatchObject({
          ok: false,
          failure: 'not_sent',
        });
        expect(decoy.exited()).toBe(false);
        expect(await service.sendCommand({ type: 'stop_agent', role: 'cto' })).toEqual({
          ok: true,
          id: expect.any(String),
        });
        expect([ours.exited(), decoy.exited()]).toEqual([true, false]);
      } finally {
        await redis.close();
      }
    },
  );
});

describe.skipIf(!erlangAvailable())('two megabytes of arguments', () => {
  it.skipIf(!asRoot)(
    "neither freeze a poll nor Stop: each argument list is read to a cap, another user's refused at once",
    async () => {
      const root = await keeper.root();
      const theirs = await lookalike({ root: root.path, role: 'cto', user: NOBODY, fillerBytes: 2_100_000 });
      const mine = await lookalike({ root: root.path, role: 'ceo', fillerBytes: 2_100_000 });
      await beat('cto');
      // The listing reads no more than the cap of anyone's arguments.
      const described = await describeProcess(theirs.pid);
      expect(described?.argv?.reduce((bytes, argument) => bytes + argument.length + 1, 0)).toBeLessThanOrEqual(
        ARGUMENTS_READ_LIMIT,
      );
      expect(described && classifyEchoProcess(described)).toMatchObject({ role: 'cto', form: 'autonomous' });

      const service = await watch(root.path);
      // A hang test, not a speed test: bounds a slow two-core machine meets with ease, where reading it all took
      // minutes.
      const polled = performance.now();
      const seen = await service.monitor.pollNow();
      expect(performance.now() - polled).toBeLessThan(2000);
      expect(copiesOf(seen, 'cto')).toEqual([[theirs.pid, true]]);
      let asked = performance.now();
      expect(await service.sendCommand({ type: 'stop_agent', role: 'cto', pid: theirs.pid })).toMatchObject({
        ok: false,
        failure: 'not_sent',
      });
      expect(performance.now() - asked).toBeLessThan(2000);
      asked = performance.now();
      // This user's own process, laid out as the ceo's VM: Stop reads it to the cap and signals it.
      expect(await service.sendCommand({ type: 'stop_agent', role: 'ceo' })).toEqual({
        ok: true,
        id: expect.any(String),
      });
      expect(performance.now() - asked).toBeLessThan(2000);
      expect([theirs.exited(), mine.exited()]).toEqual([false, true]);
    },
  );

  it('classifies a two-megabyte printed command line, or argument list, at once', () => {
    const filler = Array.from({ length: 2100 }, () => 'x'.repeat(1000));
    const started = performance.now();
    const argv = classifyEchoProcess({
      executable: 'beam.smp',
      argv: ['/x', '-extra', '/srv/echo/apps/cto/cto', '--autonomous', ...filler],
      commandLine: '',
      cwd: null,
    });
    const printed = classifyEchoProcess({
      executable: 'beam.smp',
      argv: null,
      commandLine: `beam.smp -- -extra ${'/'.repeat(2_100_000)}`,
      cwd: null,
    });
    const slashes = classifyEchoProcess({
      executable: 'beam.smp',
      argv: ['/x', '-extra', '\\'.repeat(2_100_000)],
      commandLine: '',
      cwd: null,
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(argv).toMatchObject({ role: 'cto', root: '/srv/echo' });
    expect([printed, slashes]).toEqual([null, null]);
  });
});

describe.skipIf(!erlangAvailable())('Stops asked for in a loop', () => {
  it('runs one Stop of a role at a time, and refuses the next at once with the reason', async () => {
    const root = await keeper.root();
    const stubborn = await lookalike({ root: root.path, role: 'chro', ignoreSigterm: true });
    const service = await watch(root.path);
    await service.monitor.pollNow();
    const first = service.sendCommand({ type: 'stop_agent', role: 'chro' });
    const asked = performance.now();
    expect(await service.sendCommand({ type: 'stop_agent', role: 'chro' })).toMatchObject({
      ok: false,
      failure: 'not_sent',
      error: 'a Stop of CHRO is already under way; this one was not sent',
    });
    expect(performance.now() - asked).toBeLessThan(1000);
    expect(await first).toMatchObject({ ok: false, failure: 'no_answer' });
    expect(stubborn.exited()).toBe(false);
  });

  it('refuses Stops beyond a few a second, whatever their roles', async () => {
    const root = await keeper.root();
    const service = await watch(root.path);
    await service.monitor.pollNow();
    // No process of these roles runs and no registry is read: each is answered at once with the reason.
    for (let index = 0; index < 10; index += 1) {
      await expect(service.sendCommand({ type: 'stop_agent', role: `janitor_${index}` })).rejects.toThrow(
        'no process of',
      );
    }
    expect(await service.sendCommand({ type: 'stop_agent', role: 'janitor_10' })).toMatchObject({
      ok: false,
      failure: 'not_sent',
      error: expect.stringMatching(/^too many Stops: at most 10 in 10 s; this one was not sent, try again in \d+ s$/),
    });
  });

  it('frees the window as it passes, and a role once its Stop has ended', () => {
    let now = 0;
    const limiter = new StopLimiter(() => now, { count: 2, windowMs: 1000 });
    const first = limiter.begin('cto');
    expect(first.ok).toBe(true);
    expect(limiter.begin('cto')).toMatchObject({ ok: false });
    if (first.ok) first.end();
    expect(limiter.begin('cto').ok).toBe(true);
    expect(limiter.begin('ceo')).toEqual({
      ok: false,
      reason: 'too many Stops: at most 2 in 1 s; this one was not sent, try again in 1 s',
    });
    now = 1000;
    expect(limiter.begin('ceo').ok).toBe(true);
  });
});

describe.skipIf(!erlangAvailable())("another user's look-alikes raise nothing", () => {
  const ROLES = [
    'ceo',
    'cto',
    'chro',
    'operations_head',
    'product_manager',
    'senior_architect',
    'uiux_engineer',
    'senior_developer',
    'test_lead',
  ];

  it.skipIf(!asRoot)(
    'are shown beside this user’s copies, and count in no warning, alert, agent or figure',
    async () => {
      const root = await keeper.root();
      const ours = await agent({ root: root.path, role: 'cto', form: 'autonomous-absolute' });
      const theirs = await Promise.all(
        [...ROLES, 'cto'].map((role) => lookalike({ root: root.path, role, user: NOBODY })),
      );
      await beat('cto');
      const service = await watch(root.path);
      // Alerts wait three polls before they fire; the agent count's critical level is 9.
      let seen = await service.monitor.pollNow();
      for (let poll = 0; poll < 3; poll += 1) seen = await service.monitor.pollNow();
      expect(seen.agents?.map((listed) => listed.role)).toEqual(['cto']);
      const cto = agentOf(seen, 'cto');
      expect(cto?.copies.map((copy) => [copy.pid, copy.otherUser]).sort()).toEqual(
        [
          [ours.vmPid, false],
          ...theirs.filter((one) => one.scriptPath.endsWith('/cto')).map((one) => [one.pid, true]),
        ].sort(),
      );
      // Theirs carry no memory into the figures: the role's is its own copy's.
      expect(cto?.copies.filter((copy) => copy.otherUser).map((copy) => copy.processBytes)).toEqual([null, null]);
      expect(cto?.memory.processBytes).toBe(cto?.copies.find((copy) => !copy.otherUser)?.processBytes);
      expect(seen.warnings.map((warning) => warning.kind)).not.toContain('agent-copies');
      expect(seen.warnings.map((warning) => warning.kind)).not.toContain('agent-hung');
      expect(seen.alerts.map((alert) => alert.rule)).not.toContain('agent-count');
      expect(seen.alerts.map((alert) => alert.rule)).not.toContain('memory-vs-ram');
    },
  );
});

describe.skipIf(!erlangAvailable())('a model name from a process’s environment', () => {
  it('is cut as any label is, however long the process made it', async () => {
    const root = await keeper.root();
    await lookalike({ root: root.path, role: 'cto', env: { CTO_MODEL: `qwen${'q'.repeat(130_000)}` } });
    const service = await watch(root.path);
    const model = agentOf(await service.monitor.pollNow(), 'cto')?.model ?? '';
    expect(model.length).toBeLessThan(300);
    expect(model).toMatch(/^qwenq+… \(cut from 130,004 characters\)$/);
  });
});

describe('the programs the monitor runs', () => {
  const ALLOWED = new Set(['PATH', 'LANG', 'LC_ALL', 'PWD', 'OLDPWD', 'SHLVL', '_']);
  let folder: string;
  const savedPath = process.env.PATH;
  const savedToken = process.env.MONITOR_API_TOKEN;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'monitor children-'));
    // Each program writes the environment it was given, then answers as little as the monitor needs.
    for (const name of ['ps', 'lsof', 'nvidia-smi', 'vm_stat', 'sysctl']) {
      const answer =
        name === 'ps' ? `printf '%s 1 0 beam.smp\\n' $$` : name === 'nvidia-smi' ? "echo '24576, 1024'" : 'true';
      await writeFile(join(folder, name), `#!/bin/sh\nenv > "${folder}/${name}.env"\n${answer}\n`);
      await chmod(join(folder, name), 0o755);
    }
    process.env.PATH = `${folder}:${savedPath ?? ''}`;
    process.env.MONITOR_API_TOKEN = 'the-launch-secret';
  });

  afterAll(async () => {
    process.env.PATH = savedPath;
    if (savedToken === undefined) delete process.env.MONITOR_API_TOKEN;
    else process.env.MONITOR_API_TOKEN = savedToken;
    await rm(folder, { recursive: true, force: true });
  });

  const environmentOf = async (name: string): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await readFile(join(folder, `${name}.env`), 'utf8'))
        .split('\n')
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

  it('get PATH and the C locale, never the access token or anything else of the monitor’s', async () => {
    await listProcesses({ details: () => true, platform: 'darwin' });
    await new GpuMemoryReader({ exec: runCommand }).read();
    // vm_stat and sysctl are run by their absolute paths: the same runner, pointed at the stand-ins.
    await readMacMemory((file, args, options) => runCommand(join(folder, basename(file)), args, options));
    for (const name of ['ps', 'lsof', 'nvidia-smi', 'vm_stat', 'sysctl']) {
      const environment = await environmentOf(name);
      expect(environment.MONITOR_API_TOKEN, name).toBeUndefined();
      expect(
        Object.keys(environment).filter((key) => !ALLOWED.has(key)),
        name,
      ).toEqual([]);
      expect(environment, name).toMatchObject({ LANG: 'C', LC_ALL: 'C', PATH: process.env.PATH });
    }
  });
});
