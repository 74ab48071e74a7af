/*
 * The demo's database, on a thread of its own: PGlite compiles its
 * WebAssembly and loads its data folder here, and runs every statement here,
 * so the thread that started it (the desktop app's, with its window and
 * IPC) never waits on PostgreSQL. That thread reaches the database as the
 * monitor reaches any PostgreSQL: over the protocol, on the loopback address
 * this thread reports once it serves (databaseWorkerHost.ts).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PGlite } from '@electric-sql/pglite';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../core/logger';
import {
  databaseHostMessageSchema,
  databaseWorkerDataSchema,
  type DatabaseWorkerMessage,
} from './databaseWorkerMessages';
import { openDemoDatabaseFrom } from './demoDatabase';
import { planHistory, prepareHistory } from './demoHistory';
import { serveSession, type SessionServer } from './sessionServer';

/** A logger whose lines go to the starting thread, which writes them to its own log. */
function postingLogger(post: (message: DatabaseWorkerMessage) => void): Logger {
  const logger: Logger = {
    debug: (message) => {
      post({ kind: 'log', level: 'debug', message });
    },
    info: (message) => {
      post({ kind: 'log', level: 'info', message });
    },
    warn: (message) => {
      post({ kind: 'log', level: 'warn', message });
    },
    error: (message) => {
      post({ kind: 'log', level: 'error', message });
    },
    // The starting thread gives the lines its own scope; the database's parts share it.
    child: () => logger,
  };
  return logger;
}

/** Resolves when the starting thread asks this one to stop; anything else it sends is said, and ignored. */
function stopAsked(port: MessagePort, log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const listen = (message: unknown): void => {
      if (!databaseHostMessageSchema.safeParse(message).success) {
        log.warn(`the demo's database thread was sent ${JSON.stringify(message)}, which it does not take`);
        return;
      }
      port.off('message', listen);
      resolve();
    };
    port.on('message', listen);
  });
}

/**
 * Opens the database, makes it ready with its history (demoHistory.ts),
 * serves it, and waits to be asked to stop; then stops serving and closes
 * it. A failure is told as the message the starting thread throws.
 */
async function run(port: MessagePort): Promise<void> {
  const post = (message: DatabaseWorkerMessage): void => {
    port.postMessage(message);
  };
  const log = postingLogger(post);
  const stop = stopAsked(port, log);
  let db: PGlite | null = null;
  let server: SessionServer;
  try {
    const { dataDir, history } = databaseWorkerDataSchema.parse(workerData);
    const plan = planHistory(history);
    const opened = await openDemoDatabaseFrom(dataDir, { log });
    db = opened.db;
    const added = await prepareHistory(db, opened.origin, history, plan);
    server = await serveSession(db, { host: '127.0.0.1', log });
    post({ kind: 'ready', address: server.address, ...added });
  } catch (error) {
    await db?.close().catch(() => undefined);
    post({ kind: 'failed', message: errorText(error) });
    port.close();
    return;
  }
  await stop;
  try {
    await server.stop();
    await db.close();
    post({ kind: 'stopped' });
  } catch (error) {
    await db.close().catch(() => undefined);
    post({ kind: 'failed', message: `the demo's database did not close cleanly: ${errorText(error)}` });
  }
  // Nothing is left to keep the thread alive: it ends, and the starting thread hears of it.
  port.close();
}

// Run as a program of its own, it would have nobody to serve.
if (parentPort === null) throw new Error("the demo's database runs only as a worker thread of the demo");
void run(parentPort);
