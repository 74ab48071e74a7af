import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { TestProject } from 'vitest/node';
import { watchUserFolders } from './realFolders';
import { makeEmbeddedTemplate } from './embeddedPostgres';
import { lookForRedis, pathWithout, withheldPackages } from './packages';
import { postgresBinDir, startPostgres, startRedis, type TestServer } from './servers';
import {
  createRunFolder,
  describeLeftovers,
  nodeChildren,
  reapDeadRuns,
  removeRunFolder,
  RUN_VARIABLE,
  stopLeftovers,
} from './testRun';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL server, where each test file makes a database; empty on PGlite. */
    databaseUrl: string;
    /**
     * On PGlite, each test file starts an instance of its own from `template` (testDatabase.ts); `why` says why there
     * is no server.
     */
    postgres: { mode: 'server' | 'embedded'; why: string; template: string };
    /** The run's Redis; empty where there is none (no redis-server, and no TEST_REDIS_URL). */
    redisUrl: string;
  }
}

const ROOT = new URL('../..', import.meta.url).pathname;
const WATCHDOG = new URL('./testRunWatchdog.mjs', import.meta.url).pathname;

/**
 * The monitor's own settings (src/main/config.ts): a shell may export them for a real ECHO, which no test may reach by
 * accident.
 */
const MONITOR_VARIABLES =
  /^(?:DATABASE_URL|DB_(?:HOST|PORT|NAME|USER|PASSWORD)|REDIS_(?:URL|HOST|PORT|PREFIX)|REGISTRY_MODE|OLLAMA_(?:ENDPOINT|HOST|MAX_LOADED_MODELS|KEEP_ALIVE)|MONITOR_\w+)$/;

/**
 * A process outside the run (neither marked nor under its folder) that ends the run's processes if the runner goes
 * without its teardown.
 */
function startWatchdog(dir: string): ChildProcessByStdio<Writable, null, null> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== RUN_VARIABLE));
  const watchdog = spawn(process.execPath, [WATCHDOG, dir], { cwd: '/', env, stdio: ['pipe', 'ignore', 'inherit'] });
  watchdog.on('error', () => undefined);
  watchdog.stdin.on('error', () => undefined);
  // It must not keep the runner alive; the runner's end, however it comes, closes the pipe.
  watchdog.unref();
  if (watchdog.stdin instanceof Socket) watchdog.stdin.unref();
  return watchdog;
}

/**
 * Folders an earlier version of the browser tests left in test-results/, one per test process, removed once that
 * process is gone.
 */
function removeOldMonitorData(): void {
  const results = join(ROOT, 'test-results');
  if (!existsSync(results)) return;
  for (const name of readdirSync(results)) {
    const pid = /^monitor-data-(?:lonely-)?(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !existsSync(`/proc/${pid}`)) rmSync(join(results, name), { recursive: true, force: true });
  }
}

/**
 * Where the PostgreSQL tests run: the server TEST_DATABASE_URL names, a
 * throwaway server, or PGlite where the server binaries are missing (or
 * TEST_POSTGRES=embedded, or TEST_WITHOUT names postgresql).
 * TEST_POSTGRES=server insists on a server.
 */
function choosePostgres(): { mode: 'given' | 'server' } | { mode: 'embedded'; why: string } {
  const wanted = process.env.TEST_POSTGRES ?? '';
  if (!['', 'server', 'embedded'].includes(wanted))
    throw new Error(
      `TEST_POSTGRES is ${JSON.stringify(wanted)}: it may be server or embedded, or unset to use a server where PostgreSQL is installed`,
    );
  if (process.env.TEST_DATABASE_URL) return { mode: 'given' };
  if (wanted === 'embedded') return { mode: 'embedded', why: 'TEST_POSTGRES=embedded' };
  if (wanted === 'server') return { mode: 'server' };
  try {
    postgresBinDir();
    return { mode: 'server' };
  } catch {
    return { mode: 'embedded', why: "PostgreSQL's initdb and postgres not found" };
  }
}

function report(what: string, stopped: { pid: number; command: string }[]): void {
  if (stopped.length > 0)
    console.warn(`${what} (${String(stopped.length)} processes, now killed):\n${describeLeftovers(stopped)}`);
}

/**
 * Gives the run a folder of its own (HOME and the XDG folders of every
 * process it starts, removed at its end), starts throwaway PostgreSQL and
 * Redis for the whole run unless the environment names servers to use, and
 * ends whatever the run's processes leave running: at the teardown, on an
 * interrupted runner's exit, or through the watchdog if the runner is killed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const earlier of reapDeadRuns())
    report(`A test run that ended without its teardown left processes running (${earlier.dir})`, earlier.stopped);
  removeOldMonitorData();
  // Before the environment changes: these are the user's own folders.
  const userFolders = watchUserFolders();
  const run = createRunFolder();
  const watchdog = startWatchdog(run.dir);
  for (const name of Object.keys(process.env))
    if (MONITOR_VARIABLES.test(name)) Reflect.deleteProperty(process.env, name);
  // Vitest starts its workers with this process's environment, so they and what they start get it too.
  Object.assign(process.env, run.env);

  const given = { database: process.env.TEST_DATABASE_URL, redis: process.env.TEST_REDIS_URL };
  let postgresChoice: ReturnType<typeof choosePostgres>;
  try {
    // TEST_WITHOUT: every process of the run looks for the withheld packages' commands on a PATH without them.
    process.env.PATH = pathWithout(withheldPackages(), process.env.PATH ?? '', join(run.dir, 'path'));
    postgresChoice = choosePostgres();
  } catch (error) {
    watchdog.stdin.end('done\n');
    removeRunFolder(run.dir);
    throw error;
  }
  // Without redis-server the tests that need Redis skip (needs.ts), unless TEST_REDIS_URL names one.
  const withRedis = !given.redis && lookForRedis() === null;
  const [postgres, redis] = await Promise.allSettled([
    postgresChoice.mode === 'server'
      ? startPostgres()
      : postgresChoice.mode === 'embedded'
        ? makeEmbeddedTemplate(run.dir)
        : Promise.resolve(null),
    withRedis ? startRedis() : Promise.resolve(null),
  ]);
  const started: TestServer[] = [];
  for (const result of [postgres, redis])
    if (result.status === 'fulfilled' && result.value !== null && typeof result.value !== 'string')
      started.push(result.value);

  // Vitest exits at once on SIGINT and SIGTERM, without the teardown. Registered after the servers' own exit handler
  // (servers.ts), which ends them as PostgreSQL likes best; this ends the rest.
  const onExit = (): void => {
    report('The test run was interrupted with processes running', stopLeftovers(run.dir));
    removeRunFolder(run.dir);
    watchdog.stdin.end('done\n');
  };
  process.once('exit', onExit);

  const teardown = async (): Promise<void> => {
    const stopping = await Promise.allSettled(started.map((server) => server.stop()));
    process.off('exit', onExit);
    // Vitest's idle workers are closed after this; what they started is not spared.
    const workers = nodeChildren();
    report('Tests left processes running', stopLeftovers(run.dir, { spare: (pid) => workers.has(pid) }));
    removeRunFolder(run.dir);
    watchdog.stdin.end('done\n');
    const changes = userFolders.changes();
    if (changes !== null) {
      console.error(changes.report);
      if (!changes.ownMonitor) process.exitCode = 1;
    }
    for (const result of stopping) if (result.status === 'rejected') throw result.reason;
  };

  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    await teardown();
    throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
  }
  const server = postgres.value !== null && typeof postgres.value !== 'string' ? postgres.value.url : '';
  project.provide('databaseUrl', given.database ?? server);
  project.provide(
    'postgres',
    postgresChoice.mode === 'embedded'
      ? {
          mode: 'embedded',
          why: postgresChoice.why,
          template: typeof postgres.value === 'string' ? postgres.value : '',
        }
      : { mode: 'server', why: '', template: '' },
  );
  if (postgresChoice.mode === 'embedded')
    console.log(
      `PostgreSQL: embedded PGlite, one instance per test file (${postgresChoice.why}; Debian's postgresql runs the tests on a server).`,
    );
  project.provide('redisUrl', given.redis ?? redis.value?.url ?? '');
  return teardown;
}
