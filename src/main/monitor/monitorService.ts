import type { MonitorConfig } from '../config';
import type { RetryPolicy } from '../core/alerts/sendQueue';
import { zoneOf, type TimeZoneSource } from '../core/localTime';
import { SILENT_LOGGER, type Logger } from '../core/logger';
import type { MemoryOverrides } from '../core/memoryEstimate';
import { reconcileSettingsFor } from '../core/reconcile';
import { viewSession } from '../core/snapshot';
import { eventsInMemory } from '../export/eventEntries';
import { openExportSources } from '../export/openExportSources';
import { CommandBus } from '../sources/redis/commandBus';
import type { EventHandlers } from '../sources/redis/redisRegistry';
import { ModelUnloader } from '../sources/ollama/modelUnloader';
import { openSources } from '../sources/openSources';
import { openAlertDelivery } from '../sources/receivers/alertDelivery';
import { resolveReceivers } from '../sources/receivers/receiverTargets';
import { readSources } from '../sources/readSources';
import { AgentProcessScanner } from '../sources/processes/agentProcessScanner';
import { stopScannedAgent } from '../sources/processes/stopAgentProcess';
import { Monitor } from './monitor';
import { openMonitorStores } from './monitorStores';
import { listingWanted } from '../core/listingWanted';
import { describeWatched, sourceTransitionLog } from './serviceLog';
import { agentStopper } from './agentStopper';
import { subscribeAll } from './eventSubscriptions';
import { Unavailable } from './unavailable';
import type { MonitorService, ServiceParts } from './serviceShape';

export type { MonitorQueries, MonitorService, ServiceParts } from './serviceShape';

/** What a host watches: the configured ECHO, or the embedded demo. */
export type MonitorTarget =
  | { readonly kind: 'echo'; readonly config: MonitorConfig }
  /**
   * The demo's database and history live in `dataDir`, apart from a real ECHO's; null keeps both in memory. `alerts`:
   * MONITOR_ALERTS.
   */
  | { readonly kind: 'demo'; readonly dataDir: string | null; readonly alerts?: string };

export interface MonitorServiceOptions {
  /** The user's zone, or where to read it (the system's, at each poll). */
  readonly timeZone: TimeZoneSource;
  /**
   * Where ECHO's series and event log are kept when the configuration names no MONITOR_DATA_DIR; null keeps them in
   * memory.
   */
  readonly defaultDataDir: string | null;
  readonly memoryOverrides?: MemoryOverrides;
  /** Where the monitor (`monitor`) and the demo (`demo`) say what they do and what went wrong; none by default. */
  readonly log?: Logger;
  /**
   * Called with the service before its first poll, for a host to listen: an
   * alert that holds at start is raised by that poll, and its notification
   * would reach nobody who subscribed after it.
   */
  readonly beforeFirstPoll?: (service: MonitorService) => void;
  /** How the alert receivers retry, and how long closing lets queued notices go out; tests shorten both. */
  readonly receiverTiming?: { readonly retry?: RetryPolicy; readonly closeGraceMs?: number };
}

/**
 * A service over its parts: the queries answer from the monitor and the store, commands go to the delegator or Ollama.
 */
export function assembleService(parts: ServiceParts): MonitorService {
  const { monitor, store, commands, unloader, stopProcess = null, clock = Date.now } = parts;
  const stopAgent = agentStopper({ monitor, commands, stopProcess, clock });
  const snoozeState = (): { snoozedUntil: string | null } => {
    const until = monitor.snoozedUntil();
    return { snoozedUntil: until === null ? null : new Date(until).toISOString() };
  };
  return {
    monitor,
    config: parts.config,
    exports: parts.exports,
    onSnapshot: (listener) => monitor.onSnapshot(listener),
    onEvent: (listener) => monitor.onEvent(listener),
    onNotification: (listener) => monitor.onNotification(listener),
    snoozedUntil: () => monitor.snoozedUntil(),
    close: () => parts.close(),
    getSnapshot: () => monitor.current(),
    async getHistory(date) {
      const { value } = await store.history(date);
      const now = clock();
      return value.map((session) => viewSession(session, now));
    },
    getStats: (from, to) => store.stats(from, to),
    getSeries: () => monitor.series(),
    getEvents: () => monitor.events(),
    async sendCommand(request) {
      if (request.type === 'unload_model') {
        if (unloader === null)
          throw new Unavailable('unloading a model needs Ollama, which is off (OLLAMA_ENDPOINT=off)');
        const outcome = await unloader.unload(request.model);
        // No event announces an unload: poll now, so every view shows the memory freed.
        if (outcome.ok) void monitor.pollNow().catch(() => undefined);
        return outcome;
      }
      if (request.type === 'stop_agent') return stopAgent(request);
      if (commands === null) throw new Unavailable('commands need the Redis registry, which is not configured');
      return commands.send(request);
    },
    snooze(until) {
      monitor.snooze(Date.parse(until));
      return snoozeState();
    },
    resumeNotifications() {
      monitor.resumeNotifications();
      return snoozeState();
    },
  };
}

/** The monitor's parts, connected to one configuration's sources and keeping its history in `dataDir`. */
async function connect(
  config: MonitorConfig,
  dataDir: string | null,
  options: MonitorServiceOptions,
): Promise<ServiceParts> {
  const log = (options.log ?? SILENT_LOGGER).child('monitor');
  log.info(`starting: ${describeWatched(config, dataDir)}`);
  // Secrets first: a file unfit to hold one stops the start before anything is opened.
  const receivers = resolveReceivers(config.receivers ?? []);
  const delivery =
    receivers.length === 0
      ? null
      : await openAlertDelivery(receivers, {
          dataDir,
          repeatIntervalMs: config.alerts.repeatIntervalMs,
          log,
          ...options.receiverTiming,
        });
  // Each failed try is not told (ioredis retries twice a second): each source's going down and coming back is, below.
  // The monitor is made once the sources are open: a listing that ends before then has no poll to ask for.
  let pollSoon = (): void => undefined;
  const open = await openSources(config, {
    timeZone: options.timeZone,
    persistent: true,
    onAgentProcessesListed: () => {
      pollSoon();
    },
  });
  const { registry, ollama } = open.sources;
  const { subscriber, channels } = open;
  const commands = open.publisher && new CommandBus(open.publisher, config.redisPrefix);
  const monitor = new Monitor({
    // The receivers' health is read with the sources, so each snapshot shows whether alerts get out.
    read: async (now) => ({ ...(await readSources(open.sources, now)), receivers: delivery?.health() ?? null }),
    subscribe: subscribeAll([
      registry && subscriber && ((handlers: EventHandlers) => registry.subscribe(subscriber, handlers)),
      channels &&
        ((handlers: EventHandlers) =>
          channels.subscribe({ onEvent: (event) => handlers.onEchoEvent?.(event), onMalformed: handlers.onMalformed })),
    ]),
    settings: {
      timeZone: options.timeZone,
      registryMode: config.registryMode,
      alerts: config.alerts,
      reconcile: reconcileSettingsFor(config.heartbeatTimeoutSeconds),
      memoryOverrides: options.memoryOverrides,
      ollamaScheduler: config.ollamaScheduler,
    },
    pollMs: config.pollMs,
    store: dataDir === null ? undefined : openMonitorStores(dataDir),
    onRegistryEvent: (event) => commands?.notice(event),
    log,
  });
  pollSoon = () => {
    monitor.wake();
  };
  // Exactly what the desktop notifies of, after the engine's pending polls, hysteresis, reminders and snooze; never
  // awaited.
  if (delivery !== null)
    monitor.onNotification((intent) => {
      delivery.offer(intent);
    });
  const logTransitions = sourceTransitionLog(log);
  const scanner = open.sources.agentProcesses instanceof AgentProcessScanner ? open.sources.agentProcesses : null;
  monitor.onSnapshot((snapshot) => {
    logTransitions(snapshot);
    if (scanner !== null && listingWanted(snapshot)) scanner.lookNow();
  });
  // Downloads offer the events the dashboard shows: the monitor's log as it holds it now.
  const exports = openExportSources(config, {
    timeZone: zoneOf(options.timeZone),
    events: () => eventsInMemory(monitor.events()),
  });
  return {
    monitor,
    config,
    store: open.store,
    commands,
    unloader: ollama && new ModelUnloader(ollama),
    // Only a pid the scanner found, with the start it measured: never one a registry or a request names on its own.
    stopProcess:
      config.agentProcesses &&
      ((target) => {
        const scanner = open.sources.agentProcesses;
        return stopScannedAgent(target, scanner instanceof AgentProcessScanner ? scanner : null, {
          extraVmExecutables: config.agentProcesses?.extraVmExecutables,
        });
      }),
    exports: exports.sources,
    async close() {
      await monitor.stop();
      await Promise.all([open.close(), exports.close(), delivery?.close()]);
      log.info('stopped');
    },
  };
}

/**
 * Starts the monitor a host runs, against the configured ECHO or the demo,
 * and returns it after its first poll. A failure to start leaves nothing
 * running.
 */
export async function startMonitorService(
  target: MonitorTarget,
  options: MonitorServiceOptions,
): Promise<MonitorService> {
  const watched = await open(target, options);
  const parts = await connect(watched.config, watched.dataDir, options).catch(async (error: unknown) => {
    await watched.stop();
    throw error;
  });
  const service = assembleService({
    ...parts,
    async close() {
      await parts.close();
      await watched.stop();
    },
  });
  try {
    options.beforeFirstPoll?.(service);
    await parts.monitor.start();
  } catch (error) {
    await service.close();
    throw error;
  }
  return service;
}

/** The configuration to read and where its history goes: ECHO's as configured, or a demo started for it. */
async function open(
  target: MonitorTarget,
  options: MonitorServiceOptions,
): Promise<{ config: MonitorConfig; dataDir: string | null; stop(): Promise<void> }> {
  if (target.kind === 'echo') {
    return {
      config: target.config,
      dataDir: target.config.dataDir ?? options.defaultDataDir,
      stop: () => Promise.resolve(),
    };
  }
  // Loaded only when asked: the demo brings PGlite and the simulator, which a monitor of a real ECHO never needs.
  const { startDemo } = await import('../demo/demoEnvironment');
  const log = (options.log ?? SILENT_LOGGER).child('demo');
  const demo = await startDemo({ dataDir: target.dataDir, alerts: target.alerts, log });
  return { config: demo.config, dataDir: target.dataDir, stop: () => demo.stop() };
}
