import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentProcesses } from '../../src/main/simulator/agentSpawner';
import { planStandingCrew, type CrewMember } from '../../src/main/simulator/crewPlan';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { SeededRandom } from '../../src/main/simulator/random';
import { Simulator, type SimulatorOptions } from '../../src/main/simulator/simulator';
import { WorkWriter } from '../../src/main/simulator/workWriter';
import { probeProcesses } from '../../src/main/sources/processes/processProbe';
import { applyEchoMigrations } from '../support/echoSchema';
import {
  expectDecisionEvents,
  expectDecisionsAsEchoWritesThem,
  expectExecutionsAsEchoWritesThem,
  expectMessagesAsEchoWritesThem,
  expectPublishedAsStored,
  listenToEcho,
  messageRows,
  orderLog,
  until,
} from '../support/echoWork';
import { redisMissing, redisServerMissing } from '../support/needs';
import { recordingLog } from '../support/recordingLog';
import { startRedis, type ControllableServer } from '../support/servers';
import {
  alive,
  erlangMissing,
  plainArguments,
  procFacts,
  processesMentioning,
  untilExecutable,
} from '../support/simulatedAgents';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

const missing = await erlangMissing();
// The registry the default mode leaves alone, and ECHO's channels in a Redis of this file's own.
const noRedis = redisMissing();
const noRedisServer = redisServerMissing();
const linux = process.platform === 'linux';
if (!linux) console.warn("Skipping the simulator's process-form tests: they read /proc, which only Linux has");

// Seed 6's crew, in the forms it starts them in.
const SEED = 6;
const CREW = planStandingCrew(new SeededRandom(SEED));

let db: TestDatabase;
let redis: TestRedis;
// The simulator's warnings and errors: a run that goes as it should has none.
const { log: problemLog, lines: problems } = recordingLog('warn');

beforeAll(async () => {
  db = await createTestDatabase();
  if (noRedis === null) redis = await createTestRedis();
});
afterAll(async () => {
  await db.drop();
  if (noRedis === null) await redis.close();
});

interface Started {
  readonly simulator: Simulator;
  readonly activity: string[];
}

/** A simulator in the default mode, its crew started; heartbeats fast enough to watch, nothing random within a test. */
async function startEcho(extra: Partial<SimulatorOptions> = {}): Promise<Started> {
  const activity: string[] = [];
  const simulator = new Simulator({
    // A Redis is at hand where there is one, so that writing nothing to it is the mode's doing.
    writer: new DelegatorWriter(
      db.pool,
      noRedis === null ? redis.redis : null,
      noRedis === null ? redis.prefix : 'delegator:',
    ),
    seed: SEED,
    speed: 0.001,
    hostName: 'test-host',
    heartbeatMs: 250,
    onActivity: (line) => activity.push(line),
    log: problemLog,
    ...extra,
  });
  await simulator.startWarm();
  return { simulator, activity };
}

/** Each role's latest pid, from the `<role> started (…, pid N)` lines. */
function startedPids(activity: readonly string[]): Map<string, number> {
  const pids = new Map<string, number>();
  for (const line of activity) {
    const match = /^(\w+) started \(.+, pid (\d+)\)$/.exec(line);
    if (match?.[1] !== undefined) pids.set(match[1], Number(match[2]));
  }
  return pids;
}

async function heartbeats(): Promise<
  Map<string, { status: string; at: number; version: string | null; capabilities: unknown; metadata: unknown }>
> {
  const { rows } = await db.pool.query<{
    role: string;
    status: string;
    at: number;
    version: string | null;
    capabilities: unknown;
    metadata: unknown;
  }>(
    `SELECT role, status, (extract(epoch FROM last_heartbeat) * 1000)::float8 AS at, version, capabilities, metadata FROM agent_status`,
  );
  return new Map(rows.map(({ role, ...row }) => [role, row]));
}

/** Waits until each agent's process is its VM; a Node stand-in is Node from the start. */
async function untilVms(pids: Iterable<number>, executable: string): Promise<void> {
  for (const pid of pids) await untilExecutable(pid, executable);
}

/** The ECHO root the agents run under: the MCP agent's script is `<root>/agents/<role>/<role>`. */
async function rootOf(started: Started, executable: string): Promise<string> {
  const mcp = CREW.find((member) => member.form === 'mcp');
  const pid = startedPids(started.activity).get(mcp?.role ?? '') ?? 0;
  await untilVms([pid], executable);
  const [script] = plainArguments(procFacts(pid));
  const root = dirname(dirname(dirname(script ?? '')));
  expect(basename(root)).toMatch(/^echo-simulator-/);
  return root;
}

beforeEach(async () => {
  problems.length = 0;
  await db.pool.query('DELETE FROM agent_status');
});
afterEach(() => {
  expect(problems).toEqual([]);
});

describe('ECHO as it runs (the default mode)', () => {
  let started: Started | null = null;
  afterEach(async () => {
    await started?.simulator.stop();
    started = null;
  });

  it.skipIf(noRedis !== null)(
    "writes only `running` heartbeats, in ECHO's form, for each agent of its crew; no sessions and no registry",
    async () => {
      started = await startEcho();
      expect(started.simulator.mode).toBe('as-it-runs');
      const first = await heartbeats();
      expect([...first.keys()].sort()).toEqual(CREW.map((member) => member.role).sort());
      for (const row of first.values()) {
        expect(row).toMatchObject({ status: 'running', version: null, capabilities: null });
        expect(row.metadata).toEqual({
          version: '1.0.0',
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
          node: 'nonode@nohost',
        });
        expect(row.at % 1000).toBe(0);
      }
      // Beats move on, every 5 s in life (250 ms here), and say nothing else.
      const [role] = first.keys();
      await expect
        .poll(async () => (await heartbeats()).get(role ?? '')?.at ?? 0, { timeout: 5000 })
        .toBeGreaterThan(first.get(role ?? '')?.at ?? 0);
      expect(new Set([...(await heartbeats()).values()].map((row) => row.status))).toEqual(new Set(['running']));
      const { rows } = await db.pool.query<{ count: string }>('SELECT count(*) FROM delegator_sessions');
      expect(rows[0]?.count).toBe('0');
      expect(await redis.redis.keys(`${redis.prefix}*`)).toEqual([]);
    },
  );

  it("leaves a crashed agent's row `running` to go stale, and starts the agent again with a new pid", async () => {
    // Fast enough that the restart (30 s to 2 min in life) comes within seconds.
    started = await startEcho({ speed: 60 });
    const [member] = CREW;
    const role = member?.role ?? '';
    const before = startedPids(started.activity).get(role);
    expect(await started.simulator.crash(role)).toBe(true);
    if (before !== undefined) expect(alive(before)).toBe(false);
    const atCrash = (await heartbeats()).get(role);
    expect(atCrash?.status).toBe('running');
    const activity = started.activity;
    await expect.poll(() => startedPids(activity).get(role), { timeout: 10_000 }).not.toBe(before);
    const after = startedPids(activity).get(role) ?? 0;
    expect(alive(after)).toBe(true);
    await expect
      .poll(async () => (await heartbeats()).get(role)?.at ?? 0, { timeout: 5000 })
      .toBeGreaterThan(atCrash?.at ?? 0);
    expect((await heartbeats()).get(role)?.status).toBe('running');
  });

  it('refuses commands from our registry, which no ECHO listens to', async () => {
    started = await startEcho({ processes: null });
    expect(
      await started.simulator.handle({ id: 'c1', type: 'end_session', session_id: 'x', at: new Date().toISOString() }),
    ).toMatchObject({ ok: false });
  });
});

describe.skipIf(noRedisServer !== null)("ECHO as it runs: its agents' work", () => {
  // ECHO's own schema, from its migrations; and a Redis of this file's own, since ECHO's channels are unprefixed.
  let echoDb: TestDatabase;
  let server: ControllableServer;
  beforeAll(async () => {
    [echoDb, server] = await Promise.all([createTestDatabase({ migrated: false }), startRedis()]);
    await applyEchoMigrations(echoDb.pool);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([echoDb.drop(), server.stop()]);
  });

  it("writes tasks, their reading, answers, decisions and votes, model sessions, workflows and flows into ECHO's tables as ECHO does, each message stored then published", async () => {
    const publisher = new Redis(server.url);
    publisher.on('error', () => undefined);
    const listener = await listenToEcho(server.url);
    const order = orderLog(echoDb.pool, publisher);
    const work = await WorkWriter.open(order.sql, order.publisher, problemLog);
    expect(work.tables).toEqual({
      messages: true,
      acknowledgements: true,
      decisions: true,
      llmSessions: true,
      workflows: true,
      flows: true,
    });
    // Sixteen simulated hours in under half a minute; no processes, so nothing but the work takes time.
    const simulator = new Simulator({
      writer: new DelegatorWriter(echoDb.pool, null, 'unused:'),
      work,
      seed: SEED,
      speed: 3000,
      hostName: 'test-host',
      processes: null,
      log: problemLog,
    });
    try {
      await simulator.startWarm();
      const count = async (where: string, table = 'messages'): Promise<number> =>
        Number(
          (await echoDb.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)).rows[0]?.n ?? 0,
        );
      await until('every kind of work', async () => {
        const seen = [
          await count(`from_role = 'delegator' AND read AND processing_error IS NULL`),
          await count('processing_error IS NOT NULL'),
          await count(`type = 'response'`),
          await count(`status IN ('approved', 'rejected') AND completed_at IS NOT NULL`, 'decisions'),
          await count('true', 'decision_votes'),
          await count('turn_count >= 3', 'llm_sessions'),
          await count(`status = 'completed'`, 'workflow_executions'),
          await count(`status = 'failed'`, 'workflow_executions'),
          await count('pause_reason IS NOT NULL', 'workflow_executions'),
          await count(`status IN ('completed', 'failed') AND version > 4`, 'flow_executions'),
          listener.heard.some((each) => each.channel === 'decisions:escalated') ? 1 : 0,
        ];
        return seen.every((n) => n > 0) ? seen : null;
      });
    } finally {
      await simulator.stop();
    }
    // Whatever was published is in by now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    listener.close();
    publisher.disconnect();
    const rows = await messageRows(echoDb.pool);
    expectMessagesAsEchoWritesThem(rows);
    expect(expectPublishedAsStored(listener.heard, rows, order.log)).toBe(rows.length);
    expect(expectDecisionEvents(listener.heard)).toEqual([
      'decisions:completed',
      'decisions:escalated',
      'decisions:new',
      'decisions:vote_required',
    ]);
    const decisions = await expectDecisionsAsEchoWritesThem(echoDb.pool);
    expect(Object.keys(decisions)).toEqual(expect.arrayContaining(['approved']));
    const executions = await expectExecutionsAsEchoWritesThem(echoDb.pool);
    expect(executions.workflows).toEqual(expect.arrayContaining(['completed', 'failed']));
    expect(executions.paused).toBeGreaterThan(0);
    expect(executions.turns).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('has an agent read, as it starts, what waited for it, and leaves unread what waits for an agent that never runs', async () => {
    await echoDb.pool.query('DELETE FROM messages');
    const idle = [
      'ceo',
      'cto',
      'chro',
      'operations_head',
      'product_manager',
      'senior_architect',
      'uiux_engineer',
      'senior_developer',
      'test_lead',
    ].find((role) => !CREW.some((member) => member.role === role));
    const waiting = [CREW[0]?.role ?? '', idle ?? ''];
    const { rows } = await echoDb.pool.query<{ id: string; to_role: string }>(
      `INSERT INTO messages (from_role, to_role, type, subject, content, metadata, read, inserted_at)
       SELECT 'delegator', role, 'request', 'Direct task: bug_fix', '{}', jsonb_build_object('timestamp', '2026-11-24T14:00:00.000000Z'), false, '2026-11-24 14:00:00'
         FROM unnest($1::varchar[]) AS role RETURNING id::text, to_role`,
      [waiting],
    );
    const simulator = new Simulator({
      writer: new DelegatorWriter(echoDb.pool, null, 'unused:'),
      work: await WorkWriter.open(echoDb.pool, null),
      seed: SEED,
      speed: 600,
      hostName: 'test-host',
      processes: null,
      log: problemLog,
    });
    const readOf = async (id: string): Promise<boolean> =>
      (await echoDb.pool.query<{ read: boolean }>('SELECT read FROM messages WHERE id = $1', [id])).rows[0]?.read ??
      false;
    try {
      await simulator.startWarm();
      const [mine, nobodys] = rows;
      await until('the waiting message read', async () => ((await readOf(mine?.id ?? '')) ? true : null), 15_000);
      expect(await readOf(nobodys?.id ?? '')).toBe(false);
    } finally {
      await simulator.stop();
    }
  }, 30_000);
});

/**
 * Checks an agent's process is started in its form, as the monitor reads it: executable, plain arguments, folder,
 * stdin.
 */
function expectForm(member: CrewMember, pid: number, root: string, executable: string): void {
  const facts = procFacts(pid);
  expect(facts.comm, member.role).toBe(executable.slice(0, 15));
  if (member.form === 'autonomous') {
    expect(plainArguments(facts)).toEqual([`./${member.role}`, '--autonomous']);
    expect(facts.cwd).toBe(join(root, 'apps', member.role));
    // Its stdin is at its end from the start; it runs on regardless.
    expect(facts.stdin).toBe('/dev/null');
  } else {
    expect(plainArguments(facts)).toEqual([join(root, 'agents', member.role, member.role)]);
    expect(facts.cwd).toBe('/');
    // Claude Desktop's transport: a pipe the launcher holds (Node, as Electron, makes it a socket pair on Unix).
    expect(facts.stdin).toMatch(/^(pipe|socket):/);
  }
}

describe.skipIf(missing !== null)("the default mode's agents as Erlang VMs", () => {
  let started: Started | null = null;
  afterEach(async () => {
    await started?.simulator.stop();
    started = null;
  });

  it("are beam.smp processes in the forms ECHO's users start them, each holding memory of its own", async () => {
    started = await startEcho();
    expect(await started.simulator.agentRuntime()).toEqual({ vm: 'erlang', executables: ['beam.smp'] });
    const pids = startedPids(started.activity);
    const root = await rootOf(started, 'beam.smp');
    await untilVms(pids.values(), 'beam.smp');
    expect(CREW.map((member) => member.form)).toEqual(expect.arrayContaining(['mcp', 'autonomous']));
    for (const member of CREW) {
      const pid = pids.get(member.role) ?? 0;
      expectForm(member, pid, root, 'beam.smp');
      await expect
        .poll(async () => (await probeProcesses([pid])).get(pid)?.rssBytes ?? 0)
        .toBeGreaterThan(30 * 1024 * 1024);
    }
  });

  it('run programs that keep the rule: with --autonomous stdin ending changes nothing; without it, the agent ends with its stdin', async () => {
    started = await startEcho();
    const autonomous = CREW.find((member) => member.form === 'autonomous');
    const root = await rootOf(started, 'beam.smp');
    const script = join(root, 'apps', autonomous?.role ?? '', autonomous?.role ?? '');
    // The same escript run twice by hand, each with a stdin pipe that this test closes.
    const keeps = spawn(script, ['--autonomous'], { stdio: ['pipe', 'ignore', 'ignore'] });
    const ends = spawn(script, [], { stdio: ['pipe', 'ignore', 'ignore'] });
    const keepsExit = once(keeps, 'exit');
    const endsExit = once(ends, 'exit');
    try {
      await Promise.all([once(keeps, 'spawn'), once(ends, 'spawn')]);
      keeps.stdin.end();
      ends.stdin.end();
      const [code] = (await endsExit) as [number | null];
      expect(code).toBe(0);
      // Well past the MCP one's exit, the autonomous one still runs.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(alive(keeps.pid ?? 0)).toBe(true);
    } finally {
      for (const child of [keeps, ends])
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
          process.kill(child.pid, 'SIGKILL');
      await Promise.all([keepsExit, endsExit]);
    }
  });

  it('are all ended by pid on stop, the reaper with them, and their root removed', async () => {
    started = await startEcho();
    const pids = [...startedPids(started.activity).values()];
    const root = await rootOf(started, 'beam.smp');
    // The agents, their VMs' helpers (erl_child_setup), and the reaper that would end them were this process killed.
    const under = processesMentioning(root);
    expect(under).toEqual(expect.arrayContaining(pids));
    expect(under.length).toBeGreaterThan(pids.length);
    await started.simulator.stop();
    started = null;
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(processesMentioning(root)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });
});

describe.skipIf(!linux)("the default mode's agents as Node stand-ins, where Erlang is missing", () => {
  it('run in the same forms, and the simulator names the executable they run under', async () => {
    const started = await startEcho({ processes: new AgentProcesses({ vm: 'node' }) });
    try {
      const executable = basename(process.execPath);
      expect(await started.simulator.agentRuntime()).toEqual({ vm: 'node', executables: [executable] });
      const pids = startedPids(started.activity);
      const root = await rootOf(started, executable);
      for (const member of CREW) expectForm(member, pids.get(member.role) ?? 0, root, executable);
      await started.simulator.stop();
      for (const pid of pids.values()) expect(alive(pid)).toBe(false);
      expect(processesMentioning(root)).toEqual([]);
    } finally {
      await started.simulator.stop();
    }
  });
});

describe('a simulator killed outright', () => {
  it('leaves no agent process running: MCP agents end with their stdin, the reaper ends the autonomous ones, and removes the root', async () => {
    const url = (path: string): string => new URL(`../../src/main/simulator/${path}`, import.meta.url).href;
    // ECHO as it runs with a database that accepts everything: only its processes matter here.
    const script = `
      const { DelegatorWriter } = await import(${JSON.stringify(url('delegatorWriter.ts'))});
      const { Simulator } = await import(${JSON.stringify(url('simulator.ts'))});
      const sql = { query: async () => ({ rows: [] }) };
      const simulator = new Simulator({ writer: new DelegatorWriter(sql, null, 'doomed:'), seed: ${String(SEED)}, speed: 0.001, hostName: 'doomed', onActivity: (line) => console.log(line) });
      await simulator.startWarm();
      console.log('ready');
      setInterval(() => undefined, 60_000);
    `;
    // Its own temporary folder, where its ECHO root is made.
    const temporary = await mkdtemp(join(tmpdir(), 'killed-simulator-'));
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, TMPDIR: temporary, TMP: temporary, TEMP: temporary },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toContain('ready');
      const pids = [...startedPids(output.split('\n')).values()];
      expect(pids).toHaveLength(CREW.length);
      for (const pid of pids) expect(alive(pid)).toBe(true);
      child.kill('SIGKILL');
      // SIGTERM from the reaper, SIGKILL 3 s later for any that ignore it.
      await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([]);
      await expect
        .poll(() => readdirSync(temporary).filter((name) => name.startsWith('echo-simulator-')), { timeout: 10_000 })
        .toEqual([]);
      expect(processesMentioning(temporary)).toEqual([]);
    } finally {
      child.kill('SIGKILL');
      await rm(temporary, { recursive: true, force: true });
    }
  });
});
