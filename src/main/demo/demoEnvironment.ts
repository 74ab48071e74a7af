import { mkdir } from 'node:fs/promises';
import type pg from 'pg';
import { loadConfig, type MonitorConfig } from '../config';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import { createPostgresPool } from '../sources/postgres/postgresPool';
import { startDatabaseWorker, type DatabaseWorker } from './databaseWorkerHost';
import { DEMO_HISTORY_DAYS, DEMO_SEED, demoDatabaseDir, takeEarlyDatabase } from './earlyDatabase';
import { DelegatorWriter } from '../simulator/delegatorWriter';
import { AgentProcesses } from '../simulator/agentSpawner';
import { demoMachine } from '../simulator/demoMachine';
import { demoGpu } from '../simulator/gpuPlacement';
import { startOllamaStandIn, type OllamaStandIn } from '../simulator/ollamaStandIn';
import { WorkWriter } from '../simulator/workWriter';
import { LocalChannels } from '../simulator/localChannels';
import { describeMode, describeRuntime, Simulator, type SimulatorMode } from '../simulator/simulator';

export interface DemoOptions {
  /** Keeps the database on disk here; null keeps it in memory for this run only. */
  readonly dataDir: string | null;
  readonly seed?: number;
  /**
   * Sessions come and go this much faster, so something happens while you watch; heartbeats and keep-alives keep real
   * time.
   */
  readonly speed?: number;
  readonly backfillDays?: number;
  /** `MONITOR_ALERTS` as the user set it: the demo's alerts follow the same rules as a real run's. */
  readonly alerts?: string;
  /** What the demo does (the simulated ECHO's sessions and agents, at debug) and what went wrong; none by default. */
  readonly log?: Logger;
}

export interface DemoEnvironment {
  /**
   * What the monitor should read: the embedded database over the PostgreSQL protocol, the Ollama stand-in, ECHO's
   * channels inside this process and the simulated machine; no Redis.
   */
  readonly config: MonitorConfig;
  /** Sessions the backfill added. */
  readonly backfilled: number;
  /** Messages the backfill added: the delegator's tasks and the agents' exchanges of the month before. */
  readonly backfilledMessages: number;
  /**
   * What the demo simulates, in one line for a person: the guide-integrated ECHO, what its agents run as, and the
   * machine.
   */
  readonly simulating: string;
  stop(): Promise<void>;
}

const DEMO_SPEED = 10;
/** How long one of the simulated ECHO's statements may take: its database is this process's own, never far away. */
const DEMO_WRITE_TIMEOUT_MS = 30_000;
/**
 * The guide-integrated ECHO, whose delegator writes sessions: it shows every
 * view the monitor has. ECHO as it runs writes none (ECHO.md), and `simulate`
 * shows that by default.
 */
const DEMO_MODE: SimulatorMode = 'sessions';

/** What has started so far: stopped, last first, when the demo stops or fails to start. */
interface Started {
  database: DatabaseWorker | null;
  pool: pg.Pool | null;
  ollama: OllamaStandIn | null;
  processes: AgentProcesses | null;
  simulator: Simulator | null;
}

/** Stops every part that started, each even if one before it fails; rethrows the first failure. */
async function stopAll(started: Started): Promise<void> {
  const steps = [
    // The simulator ends its session and its agents; without it, the agents' folder and reaper go on their own.
    () => (started.simulator ? started.simulator.stop() : started.processes?.close()),
    () => started.ollama?.close(),
    () => started.pool?.end(),
    () => started.database?.stop(),
  ];
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

/**
 * ECHO without ECHO: an embedded PostgreSQL (PGlite) with ECHO's tables, a
 * month of history (sessions, and the messages of the delegator and the
 * agents), an Ollama stand-in, and the guide-integrated reference
 * ECHO running against them, its agents real processes (Erlang VMs where
 * Erlang is installed, else Node stand-ins). The database, with its history,
 * is made ready on a thread of its own (demoDatabaseWorker.ts) while this one
 * starts the stand-in; it and the stand-in are served on loopback ports, so
 * the monitor, and the simulated ECHO, read and write them exactly as they
 * would real servers.
 */
export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  const log = options.log ?? SILENT_LOGGER;
  if (options.dataDir !== null) await mkdir(options.dataDir, { recursive: true });
  const seed = options.seed ?? DEMO_SEED;
  const days = options.backfillDays ?? DEMO_HISTORY_DAYS;
  const databaseStart =
    (options.dataDir === null ? null : takeEarlyDatabase(options.dataDir, seed, days)) ??
    startDatabaseWorker({
      dataDir: options.dataDir === null ? null : demoDatabaseDir(options.dataDir),
      history: { seed, days, now: Date.now() },
      log,
    });
  // Awaited below; a failure while the rest starts is not an unhandled one meanwhile.
  databaseStart.catch(() => undefined);
  const started: Started = { database: null, pool: null, ollama: null, processes: null, simulator: null };
  try {
    const gpu = demoGpu(seed);
    const standIn = await startOllamaStandIn({ seed, gpu, host: '127.0.0.1', port: 0 });
    started.ollama = standIn;
    const processes = new AgentProcesses();
    started.processes = processes;
    // The demo shows its own agents only, never those of a real ECHO that may run on the same machine.
    const root = await processes.rootDir();
    const runtime = await processes.runtime();
    const database = await databaseStart;
    started.database = database;
    const config = loadConfig({
      DATABASE_URL: `postgres://postgres@${database.address}/postgres`,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: standIn.endpoint,
      MONITOR_AGENT_PROCESSES: root,
      MONITOR_ALERTS: options.alerts,
    });
    // The simulated ECHO's own connections, as `simulate` has to a real PostgreSQL, bounded loosely: on a busy machine a
    // write may wait seconds behind the monitor's first poll, and a first write that fails fails the demo's start.
    const pool = createPostgresPool({
      database: config.database,
      timeoutMs: DEMO_WRITE_TIMEOUT_MS,
      onError: (error) => {
        log.warn(`the simulated ECHO's connection to the demo database: ${error.message}`);
      },
    });
    started.pool = pool;
    const writer = new DelegatorWriter(pool, null, 'delegator:');
    // No Redis: ECHO's messages are stored, then published on channels inside this process, which the monitor hears as
    // it hears Redis's.
    const channels = new LocalChannels();
    const work = await WorkWriter.open(pool, channels, log);
    // The stand-in's models would not add up with this machine's RAM and GPU: the monitor reads a simulated machine
    // that holds them.
    const machine = demoMachine({ seed, gpu, models: () => standIn.loaded(), agentPids: () => processes.pids() });
    const simulating = `${describeMode(DEMO_MODE)}; ${describeRuntime(runtime)}; ${machine.description}`;
    log.info(`simulating ${simulating}`);
    const running = new Simulator({
      processes,
      writer,
      mode: DEMO_MODE,
      seed,
      speed: options.speed ?? DEMO_SPEED,
      hostName: 'demo',
      models: standIn,
      work,
      onActivity: (line) => {
        log.debug(line);
      },
      log,
    });
    started.simulator = running;
    // The first session starts with its agents already up, so the very first look shows work in progress.
    await running.startWarm();
    // Node stand-ins are agents only by the demo's say-so: named here, never from the environment.
    const agentProcesses =
      runtime.vm === 'node' ? { root, extraVmExecutables: runtime.executables } : config.agentProcesses;
    return {
      config: { ...config, agentProcesses, localChannels: channels, machine },
      backfilled: database.backfilled,
      backfilledMessages: database.backfilledMessages,
      simulating,
      async stop() {
        await stopAll(started);
        log.info('stopped');
      },
    };
  } catch (error) {
    // Whatever had started stops again: no agent process, port, connection, database or thread is left behind.
    started.database ??= await databaseStart.catch(() => null);
    await stopAll(started).catch(() => undefined);
    throw error;
  }
}
