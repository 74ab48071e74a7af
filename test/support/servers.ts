import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from './freePort';
import { onPath, withheld } from './packages';
import { diesWithParent } from './parentDeath';
import { RUN_VARIABLE, processStart } from './testRun';

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

/**
 * This machine's folders, as they are now: TEST_WITHOUT gives the run a PATH without the withheld packages' commands
 * (packages.ts).
 */
function thisMachine(): BinarySearch {
  return { path: process.env.PATH ?? '', postgresRoot: withheld('postgresql') ? '' : '/usr/lib/postgresql' };
}

export function postgresBinDir(search: BinarySearch = thisMachine()): string {
  const initdbDir = onPath('initdb', search.path);
  if (initdbDir !== null && onPath('postgres', search.path) === initdbDir) return initdbDir;
  const root = search.postgresRoot;
  const versions =
    root !== '' && existsSync(root)
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

export function redisServerPath(search: BinarySearch = thisMachine()): string {
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

function captureOutput(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly user: { uid: number; gid: number } | null;
  readonly url: string;
  readonly stopSignal: NodeJS.Signals;
  /**
   * Sent by the kernel if the process that started the server dies, and on this process's exit: the quickest clean end.
   */
  readonly deathSignal: NodeJS.Signals;
  readonly probe: () => Promise<void>;
  readonly dir: string;
}

/** The process and every process below it; PostgreSQL's backends leave its process group, so the tree is walked. */
function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may hold spaces and parentheses; the parent pid is the second field after its closing one.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    tree.push(pid);
    queue.push(...(parents.get(pid) ?? []));
  }
  return tree;
}

/**
 * Where a server keeps its files: in the test run's folder, removed with it
 * whatever happens, else the temporary folder. PostgreSQL's socket is in it,
 * and a socket's path has at most 107 bytes.
 */
function serverFolder(prefix: string): Promise<string> {
  const run = process.env[RUN_VARIABLE];
  const base = run !== undefined && join(run, `${prefix}XXXXXX`, '.s.PGSQL.65535.lock').length <= 107 ? run : tmpdir();
  return mkdtemp(join(base, prefix));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const running = new Set<ManagedServer>();

/**
 * A process that exits (a test run interrupted: Vitest exits at once on
 * SIGINT and SIGTERM, without its teardown) ends its servers first. A process
 * killed outright cannot: the parent-death signal does it then.
 */
function endServersOnExit(): void {
  for (const server of running) server.endNow();
}

/** A server process the tests can stop, start again on the same port with the same data, or freeze. */
class ManagedServer implements TestServer {
  private child: ChildProcess | null = null;
  private paused = false;

  constructor(private readonly spec: ServerSpec) {}

  get url(): string {
    return this.spec.url;
  }

  async launch(): Promise<void> {
    const { file, args } = diesWithParent(this.spec.command, this.spec.args, this.spec.deathSignal);
    const child = spawn(file, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(this.spec.user ?? {}),
    });
    this.child = child;
    if (running.size === 0) process.once('exit', endServersOnExit);
    running.add(this);
    await until(this.spec.name, child, this.spec.probe, captureOutput(child));
  }

  /**
   * Synchronously, for an exit handler: thaws and ends the server, waits a little for it to go, and removes its files.
   */
  endNow(): void {
    const pid = this.child?.pid;
    if (pid !== undefined && this.child?.exitCode === null && this.child.signalCode === null) {
      const start = processStart(pid);
      this.signalTree(pid, 'SIGCONT');
      this.child.kill(this.spec.deathSignal);
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline && start !== null && processStart(pid) === start) sleepSync(20);
    }
    this.child = null;
    running.delete(this);
    rmSync(this.spec.dir, { recursive: true, force: true });
  }

  /** Stops the process and keeps its files, as a crash or a restart would. */
  async halt(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null || child.exitCode !== null) return;
    if (this.paused) this.resume(child);
    await new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
      child.kill(this.spec.stopSignal);
    });
  }

  /** Freezes the server and all its children (PostgreSQL's backends too): connections stay open, nothing answers. */
  pause(): void {
    if (this.child?.pid === undefined) throw new Error(`${this.spec.name} is not running`);
    this.signalTree(this.child.pid, 'SIGSTOP');
    this.paused = true;
  }

  resume(child: ChildProcess | null = this.child): void {
    if (child?.pid !== undefined && this.paused) this.signalTree(child.pid, 'SIGCONT');
    this.paused = false;
  }

  private signalTree(root: number, signal: NodeJS.Signals): void {
    for (const pid of processTree(root)) {
      try {
        process.kill(pid, signal);
      } catch {
        // A process that ended meanwhile needs no signal.
      }
    }
  }

  async stop(): Promise<void> {
    await this.halt();
    running.delete(this);
    if (running.size === 0) process.off('exit', endServersOnExit);
    await rm(this.spec.dir, { recursive: true, force: true });
  }
}

export type ControllableServer = Pick<ManagedServer, 'url' | 'launch' | 'halt' | 'pause' | 'resume' | 'stop'>;

export async function startPostgres(): Promise<ControllableServer> {
  const bin = postgresBinDir();
  const user = unprivilegedUser();
  const dir = await serverFolder('delegator-monitor-pg-');
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  await run(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    user,
  );
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const server = new ManagedServer({
    name: 'PostgreSQL',
    command: join(bin, 'postgres'),
    args: [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      // An unusual server time zone proves the queries never depend on it.
      '-c',
      'TimeZone=Pacific/Chatham',
    ],
    user,
    url,
    // SIGINT is PostgreSQL's fast shutdown: sessions are cut, as in a real restart.
    stopSignal: 'SIGINT',
    // SIGQUIT is its immediate shutdown: its backends end too, and its shared memory is removed.
    deathSignal: 'SIGQUIT',
    dir,
    probe: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  });
  await server.launch();
  return server;
}

export async function startRedis(): Promise<ControllableServer> {
  const dir = await serverFolder('delegator-monitor-redis-');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const server = new ManagedServer({
    name: 'Redis',
    command: redisServerPath(),
    args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    user: null,
    url,
    stopSignal: 'SIGTERM',
    deathSignal: 'SIGKILL',
    dir,
    probe: async () => {
      const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        redis.disconnect();
      }
    },
  });
  await server.launch();
  return server;
}
