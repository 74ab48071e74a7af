import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../src/main/core/logger';
import { serveCommands } from '../../src/main/simulator/commandChannel';
import { DelegatorWriter } from '../../src/main/simulator/delegatorWriter';
import { Simulator } from '../../src/main/simulator/simulator';
import { SessionStore } from '../../src/main/sources/postgres/sessionStore';
import { startSilentServer } from '../support/deadServers';
import { redisMissing, redisServerMissing } from '../support/needs';
import { runCliProcess } from '../support/runCliProcess';
import { startRedis } from '../support/servers';
import { runCliInProcess } from '../support/cliInProcess';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { createTestRedis, type TestRedis } from '../support/testRedis';

// Every control goes through Redis; the last block stops a Redis of its own.
const noRedis = redisMissing();
const noRedisServer = redisServerMissing();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let db: TestDatabase;
let redis: TestRedis;
let env: Record<string, string>;
const openClients: Redis[] = [];

function client(url: string): Redis {
  const redisClient = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  redisClient.on('error', () => undefined);
  openClients.push(redisClient);
  return redisClient;
}

/** A subscriber on `channel` that never answers, keeping every message it gets. */
async function listenOn(url: string, channel: string): Promise<string[]> {
  const listener = client(url);
  const heard: string[] = [];
  listener.on('message', (from: string, message: string) => {
    if (from === channel) heard.push(message);
  });
  await listener.connect();
  await listener.subscribe(channel);
  return heard;
}

/** Runs the command line in this process, so whatever it leaves behind would still be alive afterwards. */
async function cliHere(argv: string[], environment: Record<string, string>) {
  const run = await runCliInProcess(argv, { env: environment, now: () => Date.now() });
  return { code: run.code, stdout: run.out, stderr: run.err };
}

beforeAll(async () => {
  [db, redis] = await Promise.all([createTestDatabase(), createTestRedis()]);
  env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: redis.prefix, OLLAMA_ENDPOINT: 'off' };
});

afterAll(async () => {
  await Promise.all([db.drop(), redis.close()]);
});

afterEach(() => {
  for (const redisClient of openClients.splice(0)) redisClient.disconnect();
});

describe.skipIf(noRedis !== null)('end-session and stop-agent against the reference delegator', () => {
  let simulator: Simulator;
  let commandListener: Redis;

  beforeEach(async () => {
    const writer = new DelegatorWriter(db.pool, redis.redis, redis.prefix);
    // Slow enough that the running session and its agents stay put for the whole test.
    simulator = new Simulator({ writer, mode: 'sessions', seed: 7, speed: 0.001, hostName: 'test-host' });
    commandListener = client(redis.url);
    await commandListener.connect();
    await serveCommands(commandListener, redis.prefix, simulator, writer, SILENT_LOGGER);
    await simulator.startWarm();
  });

  afterEach(async () => {
    await simulator.stop();
  });

  /** The running session and its agents, as the delegator's registry lists them. */
  async function runningWork(): Promise<{ sessionId: string; roles: string[] }> {
    const entries = Object.values(await redis.redis.hgetall(`${redis.prefix}agents`)).map(
      (text) => JSON.parse(text) as { role: string; session_id: string },
    );
    return { sessionId: entries[0]?.session_id ?? '', roles: entries.map((entry) => entry.role) };
  }

  const activeSessionIds = async (): Promise<string[]> =>
    (await new SessionStore(db.pool, 'UTC').activeSessions()).value.sessions.map((session) => session.sessionId);

  it('end-session: exits 0 once the delegator acknowledges, and the session has ended', async () => {
    const { sessionId } = await runningWork();
    expect(await activeSessionIds()).toContain(sessionId);
    const run = await runCliProcess(['end-session', sessionId], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Session ${sessionId} ended (acknowledged by the delegator).\n`);
    expect(await activeSessionIds()).not.toContain(sessionId);
  });

  it('stop-agent: exits 0 once the delegator acknowledges, and the agent has left the registry', async () => {
    const { roles } = await runningWork();
    const role = roles[0] ?? '';
    const run = await runCliProcess(['stop-agent', role], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Stopped ${role}.\n`);
    expect(await redis.redis.hexists(`${redis.prefix}agents`, role)).toBe(0);
  });

  it('--json prints exactly ok and id when acknowledged', async () => {
    const { roles } = await runningWork();
    const run = await runCliProcess(['stop-agent', roles[0] ?? '', '--json'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['ok', 'id']);
    expect(printed).toEqual({ ok: true, id: expect.stringMatching(UUID) });
  });

  it("end-session: exits 1 with the delegator's reason when it refuses", async () => {
    const run = await runCliProcess(['end-session', 'session_nope'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'Could not end session session_nope: the delegator refused: no active session session_nope\n',
    );
  });

  it("stop-agent: exits 1 with the delegator's reason when it refuses, and --json carries it", async () => {
    const text = await runCliProcess(['stop-agent', 'janitor'], env);
    expect(text.code).toBe(1);
    expect(text.stderr).toBe('Could not stop janitor: the delegator refused: no running agent janitor\n');
    const json = await runCliProcess(['stop-agent', 'janitor', '--json'], env);
    expect(json.code).toBe(1);
    const printed = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(Object.keys(printed)).toEqual(['ok', 'id', 'error']);
    expect(printed).toEqual({ ok: false, id: expect.stringMatching(UUID), error: 'no running agent janitor' });
  });
});

/** What end-session adds to any failure but a refusal: ECHO's own delegator has no way in. */
const NO_WAY_IN =
  '. ECHO offers no way to end a session from outside; only a delegator that answers the registry protocol (docs/controls.md) can';
const explained = (command: string, text: string): string => (command === 'end-session' ? `${text}${NO_WAY_IN}` : text);

describe.skipIf(noRedis !== null)('end-session and stop-agent when nobody answers', () => {
  it.each([
    ['end-session', 'session_x'],
    ['stop-agent', 'cto'],
  ])('%s: exits 2 "no answer" after --timeout 1 when a listener never acknowledges', async (command, target) => {
    const prefix = `${redis.prefix}mute:`;
    const heard = await listenOn(redis.url, `${prefix}commands`);
    const run = await runCliProcess([command, target, '--timeout', '1'], { ...env, REDIS_PREFIX: prefix });
    expect(run.code).toBe(2);
    expect(run.stderr.endsWith(`: ${explained(command, 'no answer from the delegator within 1 s')}\n`)).toBe(true);
    // The command did go out: it was the answer that never came.
    expect(heard.map((message) => JSON.parse(message) as unknown)).toEqual([
      expect.objectContaining({ id: expect.stringMatching(UUID) }),
    ]);
  });

  it.each([
    ['end-session', 'session_x'],
    ['stop-agent', 'cto'],
  ])('%s: exits 2 at once when no delegator listens on the commands channel', async (command, target) => {
    const prefix = `${redis.prefix}nobody:`;
    const run = await cliHere([command, target, '--timeout', '30', '--json'], { ...env, REDIS_PREFIX: prefix });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      id: expect.stringMatching(UUID),
      error: explained(command, `no delegator is listening on ${prefix}commands`),
    });
  });

  it('exits 2 with a connect timeout when Redis accepts and never answers', async () => {
    const silent = await startSilentServer();
    try {
      const run = await cliHere(['stop-agent', 'cto', '--timeout', '30'], {
        ...env,
        REDIS_URL: `redis://${silent.host}:${silent.port}`,
        MONITOR_TIMEOUT_MS: '300',
      });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^Could not stop cto: Redis at redis:\/\/127\.0\.0\.1:\d+ could not be reached \(.+\), so the command was not sent\n$/,
      );
    } finally {
      await silent.close();
    }
  });
});

describe.skipIf(noRedis !== null || noRedisServer !== null)('end-session and stop-agent with Redis down', () => {
  it('fail at once without waiting for an answer, and nothing goes out once Redis is back', async () => {
    const server = await startRedis();
    try {
      const prefix = 'delegator:';
      const downEnv = { ...env, REDIS_URL: server.url, REDIS_PREFIX: prefix };
      await server.halt();
      const started = Date.now();
      const runs = [
        await cliHere(['end-session', 'session_x', '--timeout', '30'], downEnv),
        await cliHere(['stop-agent', 'cto', '--timeout', '30', '--json'], downEnv),
      ];
      // Not sent at all, which is a different answer from the "no answer" a wait for the acknowledgement ends with.
      expect(runs.map((run) => run.code)).toEqual([2, 2]);
      expect(runs[0]?.stderr).toMatch(
        /^Could not end session session_x: Redis at redis:\/\/127\.0\.0\.1:\d+ could not be reached \(connect ECONNREFUSED [\d.:]+\), so the command was not sent\. ECHO offers no way to end a session from outside; only a delegator that answers the registry protocol \(docs\/controls\.md\) can\n$/,
      );
      expect(JSON.parse(runs[1]?.stdout ?? '')).toEqual({
        ok: false,
        id: expect.stringMatching(UUID),
        error: expect.stringMatching(
          /could not be reached \(connect ECONNREFUSED [\d.:]+\), so the command was not sent$/,
        ),
      });
      expect(Date.now() - started).toBeLessThan(15_000);

      await server.launch();
      const heard = await listenOn(server.url, `${prefix}commands`);
      // Longer than any reconnect backoff a client left behind would wait before sending what it queued.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(heard).toEqual([]);
      // The listener itself works: a message published now arrives.
      const publisher = client(server.url);
      await publisher.connect();
      expect(await publisher.publish(`${prefix}commands`, 'canary')).toBe(1);
      await expect.poll(() => heard).toEqual(['canary']);
    } finally {
      await server.stop();
    }
  });
});
