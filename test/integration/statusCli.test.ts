import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotSchema, type Snapshot } from '../../src/shared/model';
import { gib } from '../support/bytes';
import { refusingAddress, startSilentServer } from '../support/deadServers';
import { startFakeOllama, type FakeOllama } from '../support/fakeOllama';
import { runCliProcess, startCliProcess } from '../support/runCliProcess';
import { insertSessions } from '../support/sessionRows';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';
import { redisMissing } from '../support/needs';

const MINUTE = 60_000;
/** The sizes in Ollama's recorded /api/ps (test/fixtures/ollama-ps.json). */
const DEEPSEEK_BYTES = 4_569_768_960;
const CODELLAMA_BYTES = 8_808_038_400;
const ago = (minutes: number): string =>
  new Date(Math.floor((Date.now() - minutes * MINUTE) / 1000) * 1000).toISOString();

const MACHINE_RULES_OFF = { memoryPctOfRam: { enabled: false }, freeRamPct: { enabled: false } };
const alertsWith = (rules: object): string => JSON.stringify({ ...MACHINE_RULES_OFF, ...rules });

let db: TestDatabase;
let redis: TestRedis;
let ollama: FakeOllama;
let env: Record<string, string>;

beforeAll(async () => {
  [db, redis, ollama] = await Promise.all([createTestDatabase(), createTestRedis(), startFakeOllama()]);
  // Sessions at fixed UTC days in the past for --date, and live ones relative to now.
  await insertSessions(db.pool, [
    {
      sessionId: 'live-dev',
      category: 'development',
      description: 'Implement password reset feature',
      startedAt: ago(5),
    },
    { sessionId: 'done-fix', category: 'quick_fix', startedAt: ago(40), endedAt: ago(35) },
    {
      sessionId: 'old-strategy',
      category: 'strategic',
      startedAt: '2026-03-10T12:00:00Z',
      endedAt: '2026-03-10T12:20:00Z',
    },
    {
      sessionId: 'old-hr',
      category: 'hr',
      startedAt: '2026-03-10T15:00:00Z',
      endedAt: '2026-03-10T15:02:00Z',
      status: 'error',
    },
  ]);
  await redis.redis.hset(`${redis.prefix}agents`, {
    senior_developer: JSON.stringify({
      role: 'senior_developer',
      model: 'deepseek-coder:6.7b',
      spawned_at: ago(5),
      session_id: 'live-dev',
      status: 'running',
    }),
    test_lead: JSON.stringify({
      role: 'test_lead',
      model: 'codellama:13b',
      spawned_at: ago(4),
      session_id: 'live-dev',
      status: 'running',
    }),
  });
  env = {
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    REDIS_PREFIX: redis.prefix,
    OLLAMA_ENDPOINT: ollama.endpoint,
    TZ: 'America/New_York',
    // This machine's own RAM must not decide the exit codes tested here.
    MONITOR_ALERTS: JSON.stringify(MACHINE_RULES_OFF),
  };
});

afterAll(async () => {
  await Promise.all([db.drop(), redis.close(), ollama.close()]);
});

function parseSnapshot(stdout: string): Snapshot {
  return snapshotSchema.parse(JSON.parse(stdout));
}

/**
 * A table's rows read back by its header row: each cell taken from where its
 * column's name starts. A cell that starts with a space, or runs into the next
 * column, was not aligned.
 */
function tableRows(lines: readonly string[], names: readonly string[], count: number): string[][] {
  const at = lines.findIndex(
    (line) => line.startsWith(`  ${names[0] ?? ''} `) && names.every((name) => line.includes(name)),
  );
  const header = lines[at] ?? '';
  const starts: number[] = [];
  for (const name of names) starts.push(header.indexOf(name, (starts.at(-1) ?? 0) + 1));
  return lines.slice(at + 1, at + 1 + count).map((line) =>
    starts.map((start, index) => {
      const cell = line.slice(start, starts[index + 1]);
      expect(cell.startsWith(' ') && cell.trim() !== '').toBe(false);
      if (index < starts.length - 1) expect(cell.endsWith('   ')).toBe(true);
      return cell.trim();
    }),
  );
}

/** The Machine line of status's text. */
const machineLine = (stdout: string): string => stdout.split('\n').find((line) => line.startsWith('Machine')) ?? '';

/** What `status --timings` says of the CPU window: its length, the wait in it, and the shortest this machine needs. */
function cpuWindowOf(stderr: string): { ms: number; waitedMs: number; neededMs: number } {
  const line =
    /^cpu window: (\d+) ms from the command's start to its CPU sample · waited (\d+) ms · (\d+) ms needed on \d+ cores?$/m.exec(
      stderr,
    );
  if (line === null) throw new Error(`no cpu window line in: ${stderr}`);
  return { ms: Number(line[1]), waitedMs: Number(line[2]), neededMs: Number(line[3]) };
}

const noRedis = redisMissing();
describe.skipIf(noRedis !== null)('npm run cli -- status', () => {
  it('prints one JSON snapshot with every documented key and exits 0', async () => {
    const run = await runCliProcess(['status', '--json'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const snapshot = parseSnapshot(run.stdout);
    expect(snapshot.timeZone).toBe('America/New_York');
    expect(snapshot.sources.postgres.state).toBe('ok');
    expect(snapshot.sources.registry.state).toBe('ok');
    expect(snapshot.sources.ollama.state).toBe('ok');
    expect(snapshot.summary).toMatchObject({
      activeAgents: 2,
      activeSessions: 1,
      sessionsToday: expect.any(Number),
      // Ollama's recorded sizes, exactly: 4,569,768,960 and 8,808,038,400 bytes (4.3 GB and 8.2 GB).
      memoryBytes: DEEPSEEK_BYTES + CODELLAMA_BYTES,
      memorySource: 'measured',
      savingsPct: 79,
      agentsFrom: ['registry'],
    });
    // Unknown, never 0, when the command ran too short a time for the CPU counters to tell.
    expect([null, 'idle', 'low', 'medium', 'high']).toContain(snapshot.summary.cpuLoad);
    expect(snapshot.summary.cpuLoad === null).toBe(snapshot.summary.cpuPercent === null);
    expect(snapshot.summary.machineRamBytes).toBeGreaterThan(0);
    expect(snapshot.warnings).toEqual([]);
    expect(snapshot.alerts).toEqual([]);
    expect(snapshot.activeSessions).toEqual([
      expect.objectContaining({
        sessionId: 'live-dev',
        category: 'development',
        description: 'Implement password reset feature',
        agents: ['senior_developer', 'test_lead'],
        status: 'active',
      }),
    ]);
    expect(snapshot.activeSessions?.[0]?.durationSeconds).toBeGreaterThanOrEqual(300);
    expect(snapshot.agents?.map((agent) => [agent.role, agent.model, agent.memoryBytes, agent.memory])).toEqual([
      // The recording has the first wholly in GPU memory and the second wholly in RAM.
      [
        'senior_developer',
        'deepseek-coder:6.7b',
        DEEPSEEK_BYTES,
        {
          estimatedBytes: gib(6.7),
          modelLoaded: true,
          ollamaBytes: DEEPSEEK_BYTES,
          vramBytes: DEEPSEEK_BYTES,
          processBytes: null,
        },
      ],
      [
        'test_lead',
        'codellama:13b',
        CODELLAMA_BYTES,
        { estimatedBytes: gib(13), modelLoaded: true, ollamaBytes: CODELLAMA_BYTES, vramBytes: 0, processBytes: null },
      ],
    ]);
    expect(snapshot.agents?.[0]?.uptimeSeconds).toBeGreaterThanOrEqual(300);
    expect(snapshot.agents?.[0]?.spawnedAt).toEqual(expect.any(String));
    expect(snapshot.history).toEqual(expect.any(Array));
    expect(snapshot.stats).toMatchObject({
      totalSessions: expect.any(Number),
      avgAgentsPerSession: expect.any(Number),
      totalAgentsSpawned: expect.any(Number),
      categoryBreakdown: expect.any(Object),
      statusBreakdown: expect.any(Object),
    });
    expect(snapshot.stats).toHaveProperty('avgDurationSeconds');
  });

  it('gives the history and figures of the --date it is asked for, in local time', async () => {
    const run = await runCliProcess(['status', '--json', '--date', '2026-03-10'], env);
    expect(run.code).toBe(0);
    const snapshot = parseSnapshot(run.stdout);
    expect(snapshot.historyDate).toBe('2026-03-10');
    expect(snapshot.history?.map((session) => [session.sessionId, session.durationSeconds, session.status])).toEqual([
      ['old-hr', 120, 'error'],
      ['old-strategy', 1200, 'completed'],
    ]);
    expect(snapshot.stats).toMatchObject({
      totalSessions: 2,
      categoryBreakdown: { strategic: 1, hr: 1 },
      statusBreakdown: { completed: 1, error: 1 },
      avgDurationSeconds: 660,
    });
  });

  it('prints a header block, then the sessions, agents and models as aligned tables with header rows', async () => {
    const run = await runCliProcess(['status'], env);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(run.stdout).toMatch(/^PostgreSQL {2}ok \(postgres@127\.0\.0\.1:\d+\/monitor_test_\w+\)$/m);
    expect(run.stdout).toMatch(/^Registry {4}ok \(redis:\/\/127\.0\.0\.1:\d+\)$/m);
    expect(run.stdout).toMatch(/^Ollama {6}ok \(http:\/\/127\.0\.0\.1:\d+\)$/m);
    // The CPU over the time the command ran, or why there is none; swap this machine has in use, if any, after it.
    expect(run.stdout).toMatch(
      /^Machine {5}CPU (?:(?:idle|low|medium|high) \([\d.]+%, over the \d\.\d\d s this command ran\)|\? \(the command ran \d\.\d\d s: too short to tell; --cpu-window waits for a figure\))(?: · swap (?:under 1 MB|[\d.]+ [MG]B) in use)?$/m,
    );
    // In the recording, deepseek-coder sits in GPU memory and codellama in RAM: only codellama counts against RAM, and
    // its share is of RAM alone.
    expect(run.stdout).toMatch(/^RAM {9}8\.2 GB used by agents of [\d.]+ GB \([\d.]+% of RAM\) · free [\d.]+ [MG]B$/m);
    expect(run.stdout).toMatch(
      /^GPU {9}4\.3 GB used by agents' models (?:· total unknown|of [\d.]+ GB · [\d.]+ [MG]B in use in all)$/m,
    );
    expect(run.stdout).not.toMatch(/\+ GPU/);
    expect(run.stdout).toMatch(/^SESSIONS {4}1 active · \d+ today$/m);
    expect(tableRows(lines, ['CATEGORY', 'STARTED', 'DURATION', 'AGENTS', 'DESCRIPTION'], 1)).toEqual([
      [
        'DEVELOPMENT',
        expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        expect.stringMatching(/^5m \d+s$/),
        'Senior Developer, Test Lead',
        'Implement password reset feature',
      ],
    ]);
    // Ollama's sizes are its own, reported rather than measured.
    expect(run.stdout).toMatch(
      /^AGENTS {6}2 active \(from registry\) · 12\.5 GB in all, reported · 79% savings vs all agents$/m,
    );
    // No process of theirs on this machine, and ECHO's work tables empty or absent.
    expect(
      tableRows(lines, ['ROLE', 'MODEL', 'MODEL MEMORY', 'PROCESS', 'CPU', 'UP', 'PID', 'HEARTBEAT', 'WORK'], 2),
    ).toEqual([
      [
        'Senior Developer',
        'deepseek-coder:6.7b',
        '4.3 GB',
        '?',
        '?',
        expect.stringMatching(/^5m \d+s$/),
        '?',
        'none',
        expect.stringMatching(/^[?-]$/),
      ],
      [
        'Test Lead',
        'codellama:13b',
        '8.2 GB',
        '?',
        '?',
        expect.stringMatching(/^4m \d+s$/),
        '?',
        'none',
        expect.stringMatching(/^[?-]$/),
      ],
    ]);
    expect(run.stdout).toMatch(/^MODELS {6}2 loaded, 12\.5 GB$/m);
    expect(tableRows(lines, ['NAME', 'SIZE', 'PROCESSOR', 'UNTIL', 'USED BY'], 2)).toEqual([
      ['codellama:13b', '8.2 GB', '100% CPU', expect.any(String), 'Test Lead'],
      ['deepseek-coder:6.7b', '4.3 GB', '100% GPU', expect.any(String), 'Senior Developer'],
    ]);
  });

  it('writes when each phase ended to standard error with --timings, output unchanged', async () => {
    const run = await runCliProcess(['status', '--json', '--timings'], env);
    expect(run.code).toBe(0);
    parseSnapshot(run.stdout);
    const line = /^timings \(ms since the process started\): (.*)$/m.exec(run.stderr)?.[1] ?? '';
    const marks = line.split(' · ').map((part) => part.split(' '));
    expect(marks.map(([phase]) => phase)).toEqual(['loaded', 'opened', 'connected', 'read', 'closed', 'written']);
    const times = marks.map(([, ms]) => Number(ms));
    expect(times.every((ms, index) => ms > 0 && ms >= (times[index - 1] ?? 0))).toBe(true);
  });

  it('never waits for a CPU window: its figure covers the time it ran, or says why it has none', async () => {
    const run = await runCliProcess(['status', '--timings'], env);
    expect(run.code).toBe(0);
    const window = cpuWindowOf(run.stderr);
    expect(window.waitedMs).toBe(0);
    const seconds = (Math.floor(window.ms / 10) / 100).toFixed(2);
    expect(machineLine(run.stdout)).toMatch(
      window.ms >= window.neededMs
        ? new RegExp(`^Machine {5}CPU (idle|low|medium|high) \\([\\d.]+%, over the ${seconds} s this command ran\\)`)
        : new RegExp(`^Machine {5}CPU \\? \\(the command ran ${seconds} s: too short to tell; --cpu-window waits`),
    );
  });

  it('waits with --cpu-window until the CPU has been measured over that long, and reports it', async () => {
    const run = await runCliProcess(['status', '--cpu-window', '600', '--timings'], env);
    expect(run.code).toBe(0);
    const window = cpuWindowOf(run.stderr);
    expect(window.ms).toBeGreaterThanOrEqual(600);
    expect(window.neededMs).toBeLessThanOrEqual(600);
    const over = /^Machine {5}CPU (?:idle|low|medium|high) \([\d.]+%, over the (\d\.\d\d) s this command ran\)/m.exec(
      run.stdout,
    );
    expect(Number(over?.[1])).toBeGreaterThanOrEqual(0.6);
    const json = await runCliProcess(['status', '--json', '--cpu-window'], env);
    expect(json.code).toBe(0);
    expect(parseSnapshot(json.stdout).summary.cpuPercent).toEqual(expect.any(Number));
  });

  it('exits 2 and shows PostgreSQL down, keeping what the registry knows', async () => {
    const dead = await refusingAddress();
    const run = await runCliProcess(['status', '--json'], {
      ...env,
      DATABASE_URL: `postgres://echo_org@${dead.host}:${dead.port}/echo_org`,
    });
    expect(run.code).toBe(2);
    const snapshot = parseSnapshot(run.stdout);
    expect(snapshot.sources.postgres).toMatchObject({
      state: 'error',
      error: `connect ECONNREFUSED ${dead.host}:${dead.port}`,
    });
    expect(snapshot.activeSessions).toBeNull();
    expect(snapshot.summary.activeSessions).toBeNull();
    expect(snapshot.summary.activeAgents).toBe(2);
  });

  it('exits 2 and shows the registry down, with the agents the sessions name', async () => {
    const dead = await refusingAddress();
    const run = await runCliProcess(['status', '--json'], { ...env, REDIS_URL: `redis://${dead.host}:${dead.port}` });
    expect(run.code).toBe(2);
    const snapshot = parseSnapshot(run.stdout);
    expect(snapshot.sources.registry.state).toBe('error');
    expect(snapshot.summary.agentsFrom).toEqual(['sessions']);
    expect(snapshot.sources.registry.error).toContain('ECONNREFUSED');
    expect(snapshot.agents?.map((agent) => agent.origins)).toEqual([['sessions'], ['sessions']]);
  });

  it('answers within a few seconds when both servers accept connections and never reply', async () => {
    const silent = await startSilentServer();
    try {
      const run = await runCliProcess(['status', '--json'], {
        ...env,
        DATABASE_URL: `postgres://echo_org@${silent.host}:${silent.port}/echo_org`,
        REDIS_URL: `redis://${silent.host}:${silent.port}`,
        MONITOR_TIMEOUT_MS: '1000',
      });
      expect(run.code).toBe(2);
      const snapshot = parseSnapshot(run.stdout);
      expect(snapshot.sources.postgres.state).toBe('error');
      expect(snapshot.sources.registry.state).toBe('error');
      expect(snapshot.agents).toBeNull();
      // Both timeouts run at once: one second each, plus process start-up.
      expect(run.elapsedMs).toBeLessThan(8000);
    } finally {
      await silent.close();
    }
  });
});

describe.skipIf(noRedis !== null)('npm run cli -- status --watch', () => {
  it('with --json, writes one snapshot a line from the configured sources, keeps nothing on disk, and ends on SIGTERM with 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'status-watch-'));
    const cli = startCliProcess(['status', '--watch', '1', '--json'], { ...env, MONITOR_DATA_DIR: dataDir });
    try {
      await cli.waitFor(/^\{.*\}\n\{.*\}\n\{.*\}\n/, 30_000);
    } finally {
      const run = await cli.stop('SIGTERM');
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines.pop()).toBe('');
      const snapshots = lines.map((line) => snapshotSchema.parse(JSON.parse(line)));
      expect(snapshots.length).toBeGreaterThanOrEqual(3);
      for (const snapshot of snapshots) {
        expect(snapshot.sources.postgres.state).toBe('ok');
        expect(snapshot.agents?.map((agent) => agent.role)).toEqual(['senior_developer', 'test_lead']);
      }
      const taken = snapshots.map((snapshot) => Date.parse(snapshot.takenAt));
      expect(taken.slice(1).every((at, index) => at - (taken[index] ?? 0) >= 900)).toBe(true);
      // The series and event log a serve keeps there are not a terminal's to write.
      expect(await readdir(dataDir)).toEqual([]);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(noRedis !== null)('the exit code follows the alerts', () => {
  it('exits 1 on a warning, naming it', async () => {
    const run = await runCliProcess(['status', '--json'], {
      ...env,
      MONITOR_ALERTS: alertsWith({ agentCount: { warning: 2, critical: 5 } }),
    });
    expect(run.code).toBe(1);
    expect(parseSnapshot(run.stdout).alerts).toEqual([
      expect.objectContaining({ id: 'agent-count', severity: 'warning', message: '2 agents are running.' }),
    ]);
  });

  it('exits 2 on a critical alert', async () => {
    const run = await runCliProcess(['status'], {
      ...env,
      MONITOR_ALERTS: alertsWith({ agentCount: { warning: 1, critical: 2 } }),
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/^CRITICAL: 2 agents are running\. Stop Test Lead: frees ~8\.2 GB\.$/m);
  });

  it('exits 2 when Ollama is down', async () => {
    const dead = await refusingAddress();
    const run = await runCliProcess(['status', '--json'], {
      ...env,
      OLLAMA_ENDPOINT: `http://${dead.host}:${dead.port}`,
    });
    expect(run.code).toBe(2);
    const snapshot = parseSnapshot(run.stdout);
    expect(snapshot.sources.ollama.state).toBe('error');
    expect(snapshot.summary.memorySource).toBe('estimated');
  });

  it('exits 0 with Ollama switched off', async () => {
    const run = await runCliProcess(['status', '--json'], { ...env, OLLAMA_ENDPOINT: 'off' });
    expect(run.code).toBe(0);
    expect(parseSnapshot(run.stdout).sources.ollama.state).toBe('no-data');
  });
});
