import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { loadConfig, type MonitorConfig } from '../config';
import { migrate } from '../sources/migrate';
import { DelegatorWriter } from '../simulator/delegatorWriter';
import { planBackfill } from '../simulator/sessionPlan';
import { Simulator } from '../simulator/simulator';

export interface DemoOptions {
  /** Keeps the database on disk here; null keeps it in memory for this run only. */
  readonly dataDir: string | null;
  readonly seed?: number;
  /** Simulated time runs this much faster, so something happens while you watch. */
  readonly speed?: number;
  readonly backfillDays?: number;
  readonly onActivity?: (line: string) => void;
  readonly onProblem?: (message: string) => void;
}

export interface DemoEnvironment {
  /** What the monitor should read: the embedded database over the PostgreSQL protocol, no Redis, no Ollama. */
  readonly config: MonitorConfig;
  readonly backfilled: number;
  stop(): Promise<void>;
}

const DEMO_SEED = 20251112;
const DEMO_SPEED = 10;

/**
 * ECHO without ECHO: an embedded PostgreSQL (PGlite) with ECHO's table, a
 * month of history, and the reference delegator running against it. The
 * database is served on a loopback port, so the monitor reads it exactly as it
 * reads a real server.
 */
export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  if (options.dataDir !== null) await mkdir(options.dataDir, { recursive: true });
  const db = options.dataDir === null ? await PGlite.create() : await PGlite.create(join(options.dataDir, 'demo-pgdata'));
  // A pool of several connections must not reset each other; the server queues their queries.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  try {
    await migrate(db);
    const now = Date.now();
    // A previous demo that was killed left its session open; the delegator restarting closes it.
    await db.query(
      `UPDATE delegator_sessions SET status = 'error', ended_at = $1::timestamp WHERE status = 'active'`,
      [new Date(now).toISOString().slice(0, 19).replace('T', ' ')],
    );
    const writer = new DelegatorWriter(db, null, 'delegator:');
    const seed = options.seed ?? DEMO_SEED;
    const backfilled = await writer.insertSessions(planBackfill(options.backfillDays ?? 30, seed, now), now);
    await server.start();
    const simulator = new Simulator({
      writer,
      seed,
      speed: options.speed ?? DEMO_SPEED,
      hostName: 'demo',
      onActivity: options.onActivity,
      onError: options.onProblem,
    });
    // The first session starts with its agents already up, so the very first look shows work in progress.
    await simulator.startWarm();
    return {
      config: loadConfig({
        DATABASE_URL: `postgres://postgres@${server.getServerConn()}/postgres`,
        REGISTRY_MODE: 'sessions',
        OLLAMA_ENDPOINT: 'off',
      }),
      backfilled,
      async stop() {
        await simulator.stop();
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
