import { join } from 'node:path';
import type { Logger } from '../core/logger';
import { startDatabaseWorker, type DatabaseWorker } from './databaseWorkerHost';

/** The seed the demo's simulated ECHO and its history are drawn from, unless a caller picks another. */
export const DEMO_SEED = 20251112;
/** The days of history the demo starts with, unless a caller asks for others. */
export const DEMO_HISTORY_DAYS = 30;

/** Where a demo that keeps its data in `dataDir` keeps its database. */
export const demoDatabaseDir = (dataDir: string): string => join(dataDir, 'demo-pgdata');

interface Early {
  readonly dataDir: string;
  readonly start: Promise<DatabaseWorker>;
}

/** The one database started early, until the demo it was started for takes it. */
let early: Early | null = null;

/**
 * Starts the demo's database (the default seed's, with the default history)
 * before anything asks for it, so PGlite loads on its thread while the app
 * starts and its window opens. The demo that then starts on the same folder
 * with those defaults takes it; none other does. The desktop app calls this
 * first thing with `--demo`, well before its settings are read and its
 * monitor starts; a start that fails is the taker's to report.
 */
export function startDatabaseEarly(dataDir: string, log: Logger): void {
  const start = startDatabaseWorker({
    dataDir: demoDatabaseDir(dataDir),
    history: { seed: DEMO_SEED, days: DEMO_HISTORY_DAYS, now: Date.now() },
    log,
  });
  // Whoever takes it hears how it went.
  start.catch(() => undefined);
  early = { dataDir, start };
}

/** The database started early for a demo on `dataDir` with the default seed and history, once; else null. */
export function takeEarlyDatabase(dataDir: string, seed: number, days: number): Promise<DatabaseWorker> | null {
  if (early === null || early.dataDir !== dataDir || seed !== DEMO_SEED || days !== DEMO_HISTORY_DAYS) return null;
  const { start } = early;
  early = null;
  return start;
}
