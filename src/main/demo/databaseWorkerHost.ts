import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { errorText } from '../../shared/errorText';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import {
  databaseWorkerMessageSchema,
  type DatabaseHostMessage,
  type DatabaseWorkerData,
} from './databaseWorkerMessages';
import type { HistoryAdded, HistoryRequest } from './demoHistory';

/**
 * The program a database thread runs: a built module, or the TypeScript
 * source, which the thread first registers tsx's loader to read (a loader
 * given to a worker as `--import` does not apply to its own entry on Node 20).
 */
export interface WorkerScript {
  readonly path: string;
  /** tsx's module API, where the program is TypeScript; null for a built one. */
  readonly tsxApi: string | null;
}

const tsxPackageSchema = z.object({
  exports: z.object({ './esm/api': z.object({ import: z.object({ default: z.string() }) }) }),
});

/** tsx's module API as an ES module imports it (its CommonJS form, which require finds, misplaces its loader). */
function tsxModuleApi(from: string): string {
  const packageJson = createRequire(from).resolve('tsx/package.json');
  const { exports } = tsxPackageSchema.parse(JSON.parse(readFileSync(packageJson, 'utf8')));
  return pathToFileURL(join(dirname(packageJson), exports['./esm/api'].import.default)).href;
}

/** The built program's name: an entry of its own in electron.vite.config.ts and vite.cli.config.ts. */
export const DATABASE_WORKER_FILE = 'demoDatabaseWorker.js';

/**
 * Where the database thread's program is. Built, it sits at the top of
 * `out/main` or `out/cli` (inside the app's archive, once packaged), and this
 * module in a chunk below it or in the entry beside it; run from the sources
 * (the tests, tsx), it is the TypeScript beside this file.
 */
export function databaseWorkerScript(from: string = import.meta.url): WorkerScript {
  for (const relative of [`./${DATABASE_WORKER_FILE}`, `../${DATABASE_WORKER_FILE}`]) {
    const path = fileURLToPath(new URL(relative, from));
    if (existsSync(path)) return { path, tsxApi: null };
  }
  const source = fileURLToPath(new URL('./demoDatabaseWorker.ts', from));
  if (existsSync(source)) return { path: source, tsxApi: tsxModuleApi(from) };
  throw new Error(
    `The demo's database program ${DATABASE_WORKER_FILE} is missing beside ${fileURLToPath(from)}: build the app again`,
  );
}

/** A thread running the program, with no Node options of its starter's (a test harness's loaders are not its own). */
function spawnThread(script: WorkerScript, workerData: DatabaseWorkerData): Worker {
  if (script.tsxApi === null) return new Worker(script.path, { workerData, execArgv: [] });
  const program = JSON.stringify(pathToFileURL(script.path).href);
  const bootstrap = `import(${JSON.stringify(script.tsxApi)}).then(({ register }) => { register(); return import(${program}); })`;
  return new Worker(bootstrap, { eval: true, workerData, execArgv: [] });
}

/** The demo's database, served on its own thread. */
export interface DatabaseWorker extends HistoryAdded {
  /** `127.0.0.1:port`, for a connection string. */
  readonly address: string;
  /** Stops serving, closes the database and ends the thread; resolves once it has ended, rejects if it closed badly. */
  stop(): Promise<void>;
}

export interface DatabaseWorkerOptions {
  /** The database's folder; null keeps it in memory. */
  readonly dataDir: string | null;
  /** The history it starts with, written where it is not there yet. */
  readonly history: HistoryRequest;
  /** Where the thread's lines (which copy or folder was opened, what was refused and why) are written. */
  readonly log?: Logger;
  /** The thread's program: the demo's own by default. */
  readonly script?: WorkerScript;
}

type Phase = 'starting' | 'running' | 'stopping';

/**
 * Starts the demo's database on a thread of its own (demoDatabaseWorker.ts)
 * and resolves once it is served. PGlite's start (compiling its WebAssembly,
 * loading or making its data folder), the history's planning and writing,
 * and every statement after run there, so this thread stays free for what
 * it serves meanwhile: the desktop app's window and IPC. A start that fails
 * rejects with the thread's own reason once the thread has ended: nothing of
 * it is left running.
 */
export async function startDatabaseWorker(options: DatabaseWorkerOptions): Promise<DatabaseWorker> {
  const log = options.log ?? SILENT_LOGGER;
  const script = options.script ?? databaseWorkerScript();
  const workerData: DatabaseWorkerData = { dataDir: options.dataDir, history: options.history };
  const worker = spawnThread(script, workerData);
  let phase: Phase = 'starting';
  let failure: Error | null = null;
  const ended = new Promise<number>((resolve) => worker.once('exit', resolve));
  const fail = (error: Error): void => {
    failure ??= error;
    // It has closed what it opened before saying so (or broke its word): nothing of it need run on.
    void worker.terminate();
  };
  // An exception the thread did not catch; its exit follows.
  worker.on('error', (error) => {
    failure ??= new Error(`The demo's database thread failed: ${errorText(error)}`, { cause: error });
  });

  const stop = async (): Promise<void> => {
    if (phase !== 'stopping') {
      phase = 'stopping';
      const message: DatabaseHostMessage = { kind: 'stop' };
      worker.postMessage(message);
    }
    await ended;
    if (failure !== null) throw failure;
  };

  return new Promise<DatabaseWorker>((resolve, reject) => {
    worker.on('message', (raw: unknown) => {
      const parsed = databaseWorkerMessageSchema.safeParse(raw);
      if (!parsed.success) {
        fail(new Error(`The demo's database thread sent what it never sends: ${JSON.stringify(raw).slice(0, 200)}`));
        return;
      }
      const message = parsed.data;
      switch (message.kind) {
        case 'log':
          log[message.level](message.message);
          break;
        case 'ready':
          phase = 'running';
          resolve({
            address: message.address,
            backfilled: message.backfilled,
            backfilledMessages: message.backfilledMessages,
            stop,
          });
          break;
        case 'failed':
          fail(new Error(message.message));
          break;
        case 'stopped':
          void worker.terminate();
          break;
        default: {
          const unknown: never = message;
          throw new Error(`unknown message ${JSON.stringify(unknown)}`);
        }
      }
    });
    void ended.then((code) => {
      if (phase === 'starting')
        reject(failure ?? new Error(`The demo's database thread ended (exit code ${String(code)}) before it served`));
      else if (phase === 'running')
        log.error(`the demo's database stopped unexpectedly: ${failure?.message ?? `exit code ${String(code)}`}`);
    });
  });
}
