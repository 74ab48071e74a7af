import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { startCliProcess } from '../runCliProcess';
import { createTestDatabase } from '../testDatabase';
import { RUN_VARIABLE } from '../testRun';

/** Where to say what was started, and how to end: `hang` until interrupted, or `fail`. */
const REPORT = process.env.TEST_RUN_FIXTURE_REPORT ?? '';
const ENDING = process.env.TEST_RUN_FIXTURE_ENDING ?? 'hang';

/** A test that starts a command, children and server sessions, and stops none of them. */
it('starts processes and leaves them running', async () => {
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  const { rows } = await client.query<{ backend: number; dir: string }>(
    "SELECT pg_backend_pid() AS backend, current_setting('data_directory') AS dir",
  );
  const session = rows[0];
  if (session === undefined) throw new Error('PostgreSQL said nothing');
  const postmaster = Number(readFileSync(join(session.dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const redis = new Redis(inject('redisUrl'));
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
  const serve = startCliProcess(['serve', '--port', '0'], {
    DATABASE_URL: db.url,
    REGISTRY_MODE: 'sessions',
    OLLAMA_ENDPOINT: 'off',
  });
  const controls = (await serve.waitFor(/^Controls: open the address in (.+) \(readable/m, 60_000))[1];
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
  const detached = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], {
    stdio: 'ignore',
    detached: true,
  });
  detached.unref();
  const pids = {
    worker: process.pid,
    postmaster,
    backend: session.backend,
    redis: redisPid,
    serve: serve.pid(),
    child: child.pid,
    detached: detached.pid,
  };
  writeFileSync(REPORT, JSON.stringify({ run: process.env[RUN_VARIABLE], home: process.env.HOME, controls, pids }));
  if (ENDING === 'fail') expect('left running').toBe('stopped');
  else await new Promise(() => undefined);
});
