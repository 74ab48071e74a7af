import os from 'node:os';
import { describeDatabase, describeRedis, type MonitorConfig } from '../config';
import { errorText } from '../../shared/errorText';
import { serveCommands } from '../simulator/commandChannel';
import { DelegatorWriter } from '../simulator/delegatorWriter';
import { insertMessageBackfill, MESSAGE_BACKFILL_DAYS, planMessageBackfill } from '../simulator/messagePlan';
import { planBackfill } from '../simulator/sessionPlan';
import { describeMode, describeRuntime, Simulator } from '../simulator/simulator';
import { WorkWriter } from '../simulator/workWriter';
import {
  createStandaloneTables,
  createStandaloneWorkTables,
  echoMigratesHere,
  surveySchema,
  type EchoWorkTable,
} from '../sources/postgres/migrate';
import type { SqlClient } from '../sources/postgres/sqlClient';
import { createPostgresPool } from '../sources/postgres/postgresPool';
import { closeRedis, createRedis } from '../sources/redis/redisConnection';
import { explainRedisFailure } from '../sources/redis/redisFailures';
import { EXIT, type ExitCode } from './exitCodes';
import type { CliIo } from './output';
import { commandLog } from './stderrLog';
import { escapeControls } from '../../shared/terminalText';

export interface SimulateOptions {
  readonly speed: number;
  readonly seed: number;
  /** Sessions written before the simulation starts; only with `sessions`. */
  readonly backfillDays: number;
  /** The guide-integrated ECHO (sessions, registry, commands) rather than ECHO as it runs. */
  readonly sessions: boolean;
}

/**
 * ECHO's work tables where ECHO's migrations have not run (its tables are
 * there wherever they have): then the database is one only the simulator
 * and the monitor use. The tables it created.
 */
async function workTablesWhereEchoDoesNot(sql: SqlClient): Promise<EchoWorkTable[]> {
  if (echoMigratesHere(await surveySchema(sql))) return [];
  const created = await createStandaloneWorkTables(sql);
  return (Object.keys(created) as EchoWorkTable[]).filter((table) => created[table] === 'created');
}

/**
 * Runs the reference ECHO against the configured PostgreSQL until stopped:
 * as it runs (heartbeats, and the agents' messages, decisions, model
 * sessions and workflows), or, with `sessions`, guide-integrated, with the
 * registry and commands too. With a Redis (unless REGISTRY_MODE=sessions),
 * it publishes on ECHO's channels what it stores.
 */
export async function simulateCommand(config: MonitorConfig, options: SimulateOptions, io: CliIo): Promise<ExitCode> {
  const log = commandLog(io).child('simulate');
  // Connection trouble while it runs is said, not swallowed: a simulator that quietly stops writing misleads.
  const pool = createPostgresPool({
    database: config.database,
    timeoutMs: config.timeoutMs,
    onError: (error) => {
      log.child('postgres').warn(error.message);
    },
  });
  // ECHO publishes its messages in either mode; only the guide-integrated delegator has our registry and takes
  // commands.
  const useRedis = config.registryMode !== 'sessions';
  const redisLog = log.child('redis');
  const redisOptions = {
    url: config.redisUrl,
    timeoutMs: config.timeoutMs,
    persistent: true,
    onError: (message: string) => {
      redisLog.warn(message);
    },
  };
  const redis = useRedis ? createRedis(redisOptions) : null;
  const subscriber = useRedis && options.sessions ? createRedis(redisOptions) : null;
  const closeAll = async (): Promise<void> => {
    for (const client of [redis, subscriber]) if (client) closeRedis(client);
    await pool.end();
  };
  let created: EchoWorkTable[];
  try {
    await createStandaloneTables(pool);
    created = await workTablesWhereEchoDoesNot(pool);
    await Promise.all([redis?.connect(), subscriber?.connect()]);
  } catch (error) {
    // ioredis says only "Connection is closed."; the connection remembers why (a refused database, a timeout).
    const failedRedis = [redis, subscriber].find((client) => client !== null && client.status !== 'ready');
    const reason = failedRedis ? explainRedisFailure(failedRedis, error) : errorText(error);
    io.err(
      `simulate: cannot reach ${escapeControls(describeDatabase(config.database))}${redis ? ` or ${describeRedis(config.redisUrl)}` : ''}: ${escapeControls(reason)}\n`,
    );
    await closeAll();
    return EXIT.critical;
  }
  // Whatever fails from here on, the persistent connections close, so the process can end.
  try {
    if (created.length > 0)
      io.out(
        `Created ECHO's ${created.join(', ')} in ${describeDatabase(config.database)}: ECHO's migrations have not run there.\n`,
      );
    const writer = new DelegatorWriter(pool, options.sessions ? redis : null, config.redisPrefix);
    const work = await WorkWriter.open(pool, redis, log);
    if (options.backfillDays > 0) {
      const added = await writer.insertSessions(planBackfill(options.backfillDays, options.seed, io.now()), io.now());
      io.out(`Backfilled ${added} sessions over ${options.backfillDays} days.\n`);
      if (work.tables.messages && work.tables.acknowledgements) {
        const messages = await insertMessageBackfill(
          work.messages,
          planMessageBackfill(options.backfillDays, options.seed, io.now()),
        );
        io.out(`Backfilled ${messages} messages over ${Math.min(options.backfillDays, MESSAGE_BACKFILL_DAYS)} days.\n`);
      }
    }
    const mode = options.sessions ? 'sessions' : 'as-it-runs';
    const simulator = new Simulator({
      writer,
      mode,
      seed: options.seed,
      speed: options.speed,
      hostName: os.hostname(),
      work,
      onActivity: (line) => {
        io.out(`${new Date(io.now()).toISOString()} ${line}\n`);
      },
      log,
    });
    if (subscriber) await serveCommands(subscriber, config.redisPrefix, simulator, writer, log);
    const runtime = await simulator.agentRuntime();
    simulator.start();
    const registry = redis
      ? ` and ${describeRedis(config.redisUrl)}${options.sessions ? '' : ", ECHO's channels only"}`
      : options.sessions
        ? ', registry off'
        : ', no Redis: messages stored, not published';
    io.out(
      `Simulating ${describeMode(mode)}; ${runtime ? describeRuntime(runtime) : 'no agent processes'}.\n` +
        `At ${options.speed}x (seed ${options.seed}) into ${describeDatabase(config.database)}${registry}. Ctrl-C stops.\n`,
    );
    const signal = await io.untilStopped();
    io.out(options.sessions ? `${signal}: ending the running session.\n` : `${signal}: stopping the agents.\n`);
    await simulator.stop();
  } catch (error) {
    // A step that fails while it runs is tried again; what fails here (the backfill, the command channel, the last end)
    // is not.
    log.error(errorText(error));
    return EXIT.critical;
  } finally {
    await closeAll();
  }
  return EXIT.ok;
}
