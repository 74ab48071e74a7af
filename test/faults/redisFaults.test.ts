import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { closeRedis, createRedis } from '../../src/main/sources/redis/redisConnection';
import { explainRedisFailure } from '../../src/main/sources/redis/redisFailures';
import { RedisRegistry } from '../../src/main/sources/redis/redisRegistry';
import { attempt } from '../../src/main/sources/screening';
import { errorText } from '../../src/shared/errorText';
import { startSilentServer } from '../support/deadServers';
import { freePort } from '../support/freePort';
import { redisServerMissing } from '../support/needs';
import { redisServerPath, startRedis, type ControllableServer } from '../support/servers';

const TIMEOUT_MS = 1000;
// What the sources give every read as its last bound (openSources): the drivers' own timeouts must come first.
const DEADLINE_MS = TIMEOUT_MS + 800;
const PREFIX = 'faults:';
const SENIOR_DEVELOPER = JSON.stringify({ role: 'senior_developer', model: 'deepseek-coder:6.7b' });
// Servers of this file's own, restarted and frozen: a shared one will not do.
const noRedis = redisServerMissing();

/** A registry read as a poll makes it, and how long it took. */
async function timedRead(redis: Redis): Promise<{ error: string | null; elapsedMs: number; agents: number }> {
  const started = Date.now();
  const reading = await attempt(() => new RedisRegistry(redis, PREFIX).readAgents(), errorText, DEADLINE_MS);
  return {
    error: reading.ok ? null : reading.error,
    elapsedMs: Date.now() - started,
    agents: reading.ok ? reading.value.agents.length : 0,
  };
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A Redis with a given number of databases, on a given port: restarted with fewer, a database disappears. */
async function redisWithDatabases(port: number, databases: number): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    redisServerPath(),
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--databases',
      String(databases),
    ],
    { stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => 200,
    maxRetriesPerRequest: null,
  });
  probe.on('error', () => undefined);
  try {
    await until('Redis starts', async () => (await probe.ping().catch(() => null)) === 'PONG');
  } catch (error) {
    await stop();
    throw error;
  } finally {
    probe.disconnect();
  }
  return { stop };
}

describe.skipIf(noRedis !== null)('a Redis database that cannot be selected', () => {
  it("is down, with the server's reason, at connect and at every reconnect, and back once it can be selected", async () => {
    const port = await freePort();
    let server = await redisWithDatabases(port, 16);
    const seeder = new Redis(port, '127.0.0.1', { db: 10 });
    seeder.on('error', () => undefined);
    const said: string[] = [];
    const redis = createRedis({
      url: `redis://127.0.0.1:${String(port)}/10`,
      timeoutMs: TIMEOUT_MS,
      persistent: true,
      onError: (message) => said.push(message),
    });
    try {
      await seeder.hset(`${PREFIX}agents`, 'senior_developer', SENIOR_DEVELOPER);
      // Database 10, not 0: the agent written there is read.
      expect(await timedRead(redis)).toMatchObject({ error: null, agents: 1 });

      // The server comes back with four databases: database 10 is gone.
      await server.stop();
      server = await redisWithDatabases(port, 4);
      await until('the read fails', async () => (await timedRead(redis)).error !== null);
      // ... and stays down, never reading database 0 as if it were 10.
      for (let read = 0; read < 5; read += 1) {
        expect((await timedRead(redis)).error).toBe('Redis: cannot select database 10: ERR DB index is out of range');
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      expect(said).toContain('cannot select database 10: ERR DB index is out of range');

      await server.stop();
      server = await redisWithDatabases(port, 16);
      await until('the read succeeds again', async () => (await timedRead(redis)).error === null);
    } finally {
      closeRedis(redis);
      seeder.disconnect();
      await server.stop();
    }
  }, 90_000);

  it('fails a one-shot read and a connect at once, saying why', async () => {
    const port = await freePort();
    const server = await redisWithDatabases(port, 4);
    const url = `redis://127.0.0.1:${String(port)}/10`;
    const reader = createRedis({ url, timeoutMs: TIMEOUT_MS, persistent: false });
    const controller = createRedis({ url, timeoutMs: TIMEOUT_MS, persistent: false, offlineQueue: false });
    try {
      const read = await timedRead(reader);
      expect(read.error).toBe('Redis: cannot select database 10: ERR DB index is out of range');
      expect(read.elapsedMs).toBeLessThan(TIMEOUT_MS);
      const failure = await controller.connect().then(
        () => 'connected',
        (error: unknown) => explainRedisFailure(controller, error),
      );
      expect(failure).toBe('cannot select database 10: ERR DB index is out of range');
    } finally {
      closeRedis(reader);
      closeRedis(controller);
      await server.stop();
    }
  }, 60_000);
});

describe('a Redis that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let url: string;
  beforeAll(async () => {
    silent = await startSilentServer();
    url = `redis://${silent.host}:${String(silent.port)}`;
  });
  afterAll(async () => {
    await silent.close();
  });

  it.each([false, true])(
    'fails the whole read within the timeout and a little (persistent: %s)',
    async (persistent) => {
      const redis = createRedis({ url, timeoutMs: TIMEOUT_MS, persistent });
      try {
        for (const attemptNumber of [1, 2]) {
          const read = await timedRead(redis);
          expect(read.error, `read ${String(attemptNumber)}`).toMatch(
            /^Redis: (Command timed out|no answer within 1000 ms)$/,
          );
          expect(read.elapsedMs, `read ${String(attemptNumber)}`).toBeLessThan(TIMEOUT_MS * 1.5);
        }
      } finally {
        closeRedis(redis);
      }
    },
  );

  it('fails a connect within the timeout, not one per handshake command', async () => {
    const redis = createRedis({ url, timeoutMs: TIMEOUT_MS, persistent: false, offlineQueue: false });
    const started = Date.now();
    try {
      const failure = await redis.connect().then(
        () => 'connected',
        (error: unknown) => explainRedisFailure(redis, error),
      );
      expect(failure).toBe('no answer within 1000 ms');
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 1.5);
    } finally {
      closeRedis(redis);
    }
  });

  it('lets a one-shot command exit as soon as it is done', async () => {
    const source = (path: string): string => new URL(`../../src/main/sources/${path}`, import.meta.url).href;
    const script = `
      const { createRedis, closeRedis } = await import(${JSON.stringify(source('redis/redisConnection.ts'))});
      const { RedisRegistry } = await import(${JSON.stringify(source('redis/redisRegistry.ts'))});
      const redis = createRedis({ url: ${JSON.stringify(url)}, timeoutMs: ${String(TIMEOUT_MS)}, persistent: false });
      await new RedisRegistry(redis, 'x:').readAgents().catch(() => undefined);
      closeRedis(redis);
      const closedAt = Date.now();
      process.on('exit', () => console.log('lingered ' + String(Date.now() - closedAt)));
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await once(child, 'exit');
    const lingered = Number(/lingered (\d+)/.exec(output)?.[1] ?? NaN);
    // ioredis waited 2 s for a dead socket to close, twice: the check's answer came 4 s late.
    expect(lingered).toBeLessThan(1000);
  }, 30_000);
});

describe.skipIf(noRedis !== null)('a Redis that freezes', () => {
  let server: ControllableServer;
  beforeAll(async () => {
    // A server of its own: this block freezes it.
    server = await startRedis();
  }, 60_000);
  afterAll(async () => {
    server.resume();
    await server.stop();
  });

  it('fails a read on a live connection within the timeout and a little, and reads again once it thaws', async () => {
    const redis = createRedis({ url: server.url, timeoutMs: TIMEOUT_MS, persistent: true });
    try {
      expect((await timedRead(redis)).error).toBeNull();
      server.pause();
      try {
        const read = await timedRead(redis);
        expect(read.error).toBe('Redis: Command timed out');
        expect(read.elapsedMs).toBeLessThan(TIMEOUT_MS * 1.5);
      } finally {
        server.resume();
      }
      await until('the read succeeds again', async () => (await timedRead(redis)).error === null);
    } finally {
      closeRedis(redis);
    }
  }, 30_000);

  it("fails a new connection's read and connect within the timeout and a little", async () => {
    const reader = createRedis({ url: server.url, timeoutMs: TIMEOUT_MS, persistent: false });
    const controller = createRedis({ url: server.url, timeoutMs: TIMEOUT_MS, persistent: false, offlineQueue: false });
    server.pause();
    try {
      const read = await timedRead(reader);
      expect(read.error).toMatch(/^Redis: (Command timed out|no answer within 1000 ms)$/);
      expect(read.elapsedMs).toBeLessThan(TIMEOUT_MS * 1.5);
      const started = Date.now();
      await expect(controller.connect()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 1.5);
    } finally {
      server.resume();
      closeRedis(reader);
      closeRedis(controller);
    }
  }, 30_000);
});
