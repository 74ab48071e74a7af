import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './freePort';

/** A throwaway server: where to reach it, and how to stop it and remove its files. */
export interface TestServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Where to look for server binaries; the defaults are this machine's. */
export interface BinarySearch {
  readonly path: string;
  readonly postgresRoot: string;
}

const THIS_MACHINE: BinarySearch = { path: process.env.PATH ?? '', postgresRoot: '/usr/lib/postgresql' };

function onPath(command: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, command))) return dir;
  }
  return null;
}

export function postgresBinDir(search: BinarySearch = THIS_MACHINE): string {
  const initdbDir = onPath('initdb', search.path);
  if (initdbDir !== null && onPath('postgres', search.path) === initdbDir) return initdbDir;
  const root = search.postgresRoot;
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres) were not found. Install them with ' +
        '`apt-get install postgresql` (Debian/Ubuntu), or point the tests at a server with TEST_DATABASE_URL.',
    );
  }
  return join(root, newest, 'bin');
}

export function redisServerPath(search: BinarySearch = THIS_MACHINE): string {
  const dir = onPath('redis-server', search.path);
  if (dir === null) {
    throw new Error(
      'redis-server was not found. Install it with `apt-get install redis-server` (Debian/Ubuntu), ' +
        'or point the tests at a server with TEST_REDIS_URL.',
    );
  }
  return join(dir, 'redis-server');
}

/** initdb refuses to run as root, so as root the server runs as an unprivileged system user. */
function unprivilegedUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n');
  for (const name of ['postgres', 'nobody']) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(':');
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error('Running as root, but there is no postgres or nobody user to run PostgreSQL as.');
}

function run(command: string, args: string[], user: { uid: number; gid: number } | null): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...(user ?? {}) });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

async function until(what: string, child: ChildProcess, probe: () => Promise<void>, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}: ${logs().trim()}`);
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${what} did not start within 30 s: ${String(error)}\n${logs()}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill(signal);
  });
}

function captureOutput(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

export async function startPostgres(): Promise<TestServer> {
  const bin = postgresBinDir();
  const user = unprivilegedUser();
  const dir = await mkdtemp(join(tmpdir(), 'delegator-monitor-pg-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], user);
  const port = await freePort();
  const child = spawn(
    join(bin, 'postgres'),
    [
      '-D', data, '-p', String(port), '-k', dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      // An unusual server time zone proves the queries never depend on it.
      '-c', 'TimeZone=Pacific/Chatham',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) },
  );
  const logs = captureOutput(child);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  await until('PostgreSQL', child, async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
  }, logs);
  return {
    url,
    async stop() {
      await stopChild(child, 'SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedis(): Promise<TestServer> {
  const server = redisServerPath();
  const dir = await mkdtemp(join(tmpdir(), 'delegator-monitor-redis-'));
  const port = await freePort();
  const child = spawn(
    server,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs = captureOutput(child);
  const url = `redis://127.0.0.1:${port}`;
  await until('Redis', child, async () => {
    const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  }, logs);
  return {
    url,
    async stop() {
      await stopChild(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
