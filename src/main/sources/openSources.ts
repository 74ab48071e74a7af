import os from 'node:os';
import type { Redis } from 'ioredis';
import type { MonitorConfig } from '../config';
import type { TimeZoneSource } from '../core/localTime';
import { AgentProcessScanner } from './processes/agentProcessScanner';
import type { ChannelSubscriber } from '../core/channelSubscriber';
import { EchoChannels } from './redis/echoChannels';
import { EchoWorkStore } from './postgres/echoWorkStore';
import { ownCpuMs, type CpuMark } from './machine/cpuMark';
import type { SourceSet } from './readSources';
import { OllamaClient } from './ollama/ollamaClient';
import { createPostgresPool } from './postgres/postgresPool';
import { HeartbeatStore } from './postgres/heartbeatStore';
import { PostgresReader, readPostgresOnce } from './postgres/postgresReader';
import { RedisRegistry } from './redis/redisRegistry';
import { SessionStore } from './postgres/sessionStore';
import { SystemProbe } from './machine/systemProbe';
import { simulatedMachineOptions } from './machine/simulatedMachine';
import type { EventSubscriber } from './redis/redisRegistry';

export interface OpenSources {
  readonly sources: SourceSet;
  /** The session table, for the queries a poll does not make (another day's history, a range's figures). */
  readonly store: SessionStore;
  /** A second Redis connection for pub/sub, for a long-lived monitor; null in one-shot use or without a registry. */
  readonly subscriber: EventSubscriber | null;
  /** The registry's command connection, which may also publish; null without a registry. */
  readonly publisher: Redis | null;
  /**
   * ECHO's own channels, on a connection of their own, for a long-lived monitor; null in one-shot use or without Redis.
   */
  readonly channels: EchoChannels | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  readonly timeZone: TimeZoneSource;
  /** A long-lived monitor reconnects and subscribes; a one-shot command does neither. */
  readonly persistent: boolean;
  readonly cpuWindowMs?: number;
  /**
   * A one-shot look's CPU window starts here (the process's start, say) and
   * leaves out this process's own CPU time, so loading the command overlaps the window.
   */
  readonly cpuFrom?: CpuMark;
  /**
   * A long-lived monitor's poll, asked for when a listing beside the polls has found an agent's process to take in
   * (or one lost looked for again): the screen shows it now rather than a poll later.
   */
  readonly onAgentProcessesListed?: () => void;
  /** Each new connection to PostgreSQL, once it is made. */
  readonly onPostgresConnect?: () => void;
  readonly onConnectionError?: (source: 'postgres' | 'registry', message: string) => void;
}

/** How long a single look waits for nvidia-smi, which answers in a second on most machines. */
const ONE_LOOK_GPU_WAIT_MS = 2000;

/** ECHO's channels for a long-lived monitor: the demo's inside the process, else Redis's on their own connection. */
function channelsOf(
  config: MonitorConfig,
  options: OpenOptions,
  connection: ChannelSubscriber | null,
): EchoChannels | null {
  if (!options.persistent) return null;
  const subscriber = config.localChannels ?? connection;
  return subscriber && new EchoChannels(subscriber);
}

/**
 * Connects to every configured source, each with its timeouts and error
 * listeners. The Redis client is loaded only when a registry is read: it is
 * a tenth of a second of a one-shot command's start, with REGISTRY_MODE=sessions for nothing.
 */
export async function openSources(config: MonitorConfig, options: OpenOptions): Promise<OpenSources> {
  const report = options.onConnectionError;
  const redisClient = config.registryMode === 'sessions' ? null : await import('./redis/redisConnection');
  const pool = createPostgresPool({
    database: config.database,
    timeoutMs: config.timeoutMs,
    onError: (error) => report?.('postgres', error.message),
  });
  const redisOptions = {
    url: config.redisUrl,
    timeoutMs: config.timeoutMs,
    persistent: options.persistent,
    onError: (message: string) => report?.('registry', message),
  };
  const redis = redisClient && redisClient.createRedis(redisOptions);
  // Redis allows nothing but pub/sub on a subscribed connection, so events get their own.
  const subscriber = redisClient && options.persistent ? redisClient.createRedis(redisOptions) : null;
  // ECHO's channels are a pattern subscription, kept apart from the registry's so neither's unsubscribe touches the
  // other.
  const channelConnection = redisClient && options.persistent ? redisClient.createRedis(redisOptions) : null;
  if (options.onPostgresConnect) pool.on('connect', options.onPostgresConnect);
  const store = new SessionStore(pool, options.timeZone);
  const heartbeats = new HeartbeatStore(pool);
  const work = new EchoWorkStore(pool, options.timeZone);
  return {
    store,
    sources: {
      // A single look has no earlier picture to keep: it reads the picture straight away, one round trip.
      postgres: options.persistent
        ? new PostgresReader(store, heartbeats, { work })
        : readPostgresOnce(store, heartbeats, work),
      // The scanner keeps its pids between polls, so a long-lived monitor lists every process only now and then.
      agentProcesses:
        config.agentProcesses &&
        new AgentProcessScanner({ ...config.agentProcesses, onListed: options.onAgentProcessesListed }),
      registry: redis && new RedisRegistry(redis, config.redisPrefix),
      subscribers: redis,
      ollama: config.ollamaEndpoint === null ? null : new OllamaClient(config.ollamaEndpoint, config.timeoutMs),
      system: new SystemProbe({
        unifiedMemory: config.unifiedMemory,
        gpuReads: config.gpuReads,
        // A single look has no earlier reading to fall back on: it waits a little for nvidia-smi's answer.
        ...(options.persistent ? {} : { gpuWaitMs: ONE_LOOK_GPU_WAIT_MS }),
        ...(options.cpuFrom && { cpuFrom: options.cpuFrom, ownCpu: ownCpuMs }),
        // The demo's simulated machine, read in place of this one's memory and GPU, whose figures would not add up with
        // its models.
        ...(config.machine && simulatedMachineOptions(config.machine)),
      }),
      timeZone: options.timeZone,
      hostName: os.hostname(),
      cpuWindowMs: options.cpuWindowMs,
      // Just past the drivers' own timeouts, which fire first; at the 2 s default a dead server fails a poll within 3
      // s.
      deadlineMs: config.timeoutMs + 800,
    },
    subscriber,
    publisher: redis,
    channels: channelsOf(config, options, channelConnection),
    async close() {
      for (const connection of [redis, subscriber, channelConnection])
        if (connection) redisClient?.closeRedis(connection);
      await pool.end();
    },
  };
}
