import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { TestProject } from 'vitest/node';
import { watchUserFolders } from './realFolders';
import { startPostgres, startRedis, type TestServer } from './servers';
import { createRunFolder, describeLeftovers, nodeChildren, reapDeadRuns, removeRunFolder, RUN_VARIABLE, stopLeftovers } from './testRun';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
  }
}

const ROOT = new URL('../..', import.meta.url).pathname;
const WATCHDOG = new URL('./testRunWatchdog.mjs', import.meta.url).pathname;

/** The monitor's own settings (src/main/config.ts): a shell may export them for a real ECHO, which no test may reach by accident. */
const MONITOR_VARIABLES = /^(?:DATABASE_URL|DB_(?:HOST|PORT|NAME|USER|PASSWORD)|REDIS_(?:URL|HOST|PORT|PREFIX)|REGISTRY_MODE|OLLAMA_(?:ENDPOINT|HOST|MAX_LOADED_MODELS|KEEP_ALIVE)|MONITOR_\w+)$/;

/** A process outside the run (neither marked nor under its folder) that ends the run's processes if the runner goes without its teardown. */
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

/** Folders an earlier version of the browser tests left in test-results/, one per test process, removed once that process is gone. */
function removeOldMonitorData(): void {
  const results = join(ROOT, 'test-results');
  if (!existsSync(results)) return;
  for (const name of readdirSync(results)) {
    const pid = /^monitor-data-(?:lonely-)?(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !existsSync(`/proc/${pid}`)) rmSync(join(results, name), { recursive: true, force: true });
  }
}

function report(what: string, stopped: { pid: number; command: string }[]): void {
  if (stopped.length > 0) console.warn(`${what} (${String(stopped.length)} processes, now killed):\n${describeLeftovers(stopped)}`);
}

/**
 * Gives the run a folder of its own (HOME and the XDG folders of every
 * process it starts, removed at its end), starts throwaway PostgreSQL and
 * Redis for the whole run unless the environment names servers to use, and
 * ends whatever the run's processes leave running: at the teardown, on an
 * interrupted runner's exit, or through the watchdog if the runner is killed.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const earlier of reapDeadRuns()) report(`A test run that ended without its teardown left processes running (${earlier.dir})`, earlier.stopped);
  removeOldMonitorData();
  // Before the environment changes: these are the user's own folders.
  const userFolders = watchUserFolders();
  const run = createRunFolder();
  const watchdog = startWatchdog(run.dir);
  for (const name of Object.keys(process.env)) if (MONITOR_VARIABLES.test(name)) Reflect.deleteProperty(process.env, name);
  // Vitest starts its workers with this process's environment, so they and what they start get it too.
  Object.assign(process.env, run.env);

  const given = { database: process.env.TEST_DATABASE_URL, redis: process.env.TEST_REDIS_URL };
  const [postgres, redis] = await Promise.allSettled([
    given.database ? Promise.resolve(null) : startPostgres(),
    given.redis ? Promise.resolve(null) : startRedis(),
  ]);
  const started: TestServer[] = [];
  for (const result of [postgres, redis]) if (result.status === 'fulfilled' && result.value) started.push(result.value);

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
  project.provide('databaseUrl', given.database ?? postgres.value?.url ?? '');
  project.provide('redisUrl', given.redis ?? redis.value?.url ?? '');
  return teardown;
}
