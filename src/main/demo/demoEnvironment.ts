import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type MonitorConfig } from '../config';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import { createStandaloneTables, createStandaloneWorkTables } from '../sources/postgres/migrate';
import { openDemoDatabase } from './demoDatabase';
import { closeWhatALastRunLeft } from './demoRestart';
import { serveSession, type SessionServer } from './sessionServer';
import { DelegatorWriter } from '../simulator/delegatorWriter';
import { AgentProcesses } from '../simulator/agentSpawner';
import { demoMachine } from '../simulator/demoMachine';
import { demoGpu } from '../simulator/gpuPlacement';
import { startOllamaStandIn, type OllamaStandIn } from '../simulator/ollamaStandIn';
import { insertMessageBackfill, planMessageBackfill } from '../simulator/messagePlan';
import { planBackfill } from '../simulator/sessionPlan';
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

const DEMO_SEED = 20251112;
const DEMO_SPEED = 10;
/**
 * The guide-integrated ECHO, whose delegator writes sessions: it shows every
 * view the monitor has. ECHO as it runs writes none (ECHO.md), and `simulate`
 * shows that by default.
 */
const DEMO_MODE: SimulatorMode = 'sessions';

/**
 * ECHO without ECHO: an embedded PostgreSQL (PGlite) with ECHO's tables, a
 * month of history (sessions, and the messages of the delegator and the
 * agents), an Ollama stand-in, and the guide-integrated reference
 * ECHO running against them, its agents real processes (Erlang VMs where
 * Erlang is installed, else Node stand-ins). The database and the stand-in are
 * served on loopback ports, so the monitor reads them exactly as it reads
 * real servers.
 */
export async function startDemo(options: DemoOptions): Promise<DemoEnvironment> {
  const log = options.log ?? SILENT_LOGGER;
  if (options.dataDir !== null) await mkdir(options.dataDir, { recursive: true });
  const db = await openDemoDatabase(options.dataDir === null ? null : join(options.dataDir, 'demo-pgdata'), { log });
  const seed = options.seed ?? DEMO_SEED;
  let ollama: OllamaStandIn | null = null;
  let simulator: Simulator | null = null;
  let server: SessionServer | null = null;
  try {
    // A kept database from before ECHO's work tables gets them too: the demo's database is its own, never ECHO's.
    await createStandaloneTables(db);
    await createStandaloneWorkTables(db);
    const now = Date.now();
    await closeWhatALastRunLeft(db, now);
    const writer = new DelegatorWriter(db, null, 'delegator:');
    // No Redis: ECHO's messages are stored, then published on channels inside this process, which the monitor hears as
    // it hears Redis's.
    const channels = new LocalChannels();
    const work = await WorkWriter.open(db, channels, log);
    const days = options.backfillDays ?? 30;
    const backfilled = await writer.insertSessions(planBackfill(days, seed, now), now);
    const backfilledMessages = await insertMessageBackfill(work.messages, planMessageBackfill(days, seed, now));
    // PGlite is one backend session; the server gives each of the monitor's pooled connections its own exchanges and
    // statements in it (sessionServer.ts).
    const served = await serveSession(db, { host: '127.0.0.1', log });
    server = served;
    const gpu = demoGpu(seed);
    const standIn = await startOllamaStandIn({ seed, gpu, host: '127.0.0.1', port: 0 });
    ollama = standIn;
    const processes = new AgentProcesses();
    // The stand-in's models would not add up with this machine's RAM and GPU: the monitor reads a simulated machine
    // that holds them.
    const machine = demoMachine({ seed, gpu, models: () => standIn.loaded(), agentPids: () => processes.pids() });
    // The demo shows its own agents only, never those of a real ECHO that may run on the same machine.
    const root = await processes.rootDir();
    const runtime = await processes.runtime();
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
    simulator = running;
    // The first session starts with its agents already up, so the very first look shows work in progress.
    await running.startWarm();
    const config = loadConfig({
      DATABASE_URL: `postgres://postgres@${served.address}/postgres`,
      REGISTRY_MODE: 'sessions',
      OLLAMA_ENDPOINT: standIn.endpoint,
      MONITOR_AGENT_PROCESSES: root,
      MONITOR_ALERTS: options.alerts,
    });
    // Node stand-ins are agents only by the demo's say-so: named here, never from the environment.
    const agentProcesses =
      runtime.vm === 'node' ? { root, extraVmExecutables: runtime.executables } : config.agentProcesses;
    return {
      config: { ...config, agentProcesses, localChannels: channels, machine },
      backfilled,
      backfilledMessages,
      simulating,
      async stop() {
        try {
          await running.stop();
        } finally {
          await standIn.close();
          await served.stop();
          await db.close();
          log.info('stopped');
        }
      },
    };
  } catch (error) {
    // Whatever had started stops again: no agent process, port or database is left behind.
    await simulator?.stop().catch(() => undefined);
    await ollama?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
