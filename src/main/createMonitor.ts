import { join } from 'node:path';
import { monitorEventSchema, resourceSampleSchema } from '../shared/model';
import type { MonitorConfig } from './config';
import type { MemoryOverrides } from './core/memoryEstimate';
import { DEFAULT_RECONCILE_SETTINGS } from './core/reconcile';
import { EVENT_LOG_FILE } from './export/eventEntries';
import { DEFAULT_EVENT_LIMIT, DEFAULT_SERIES_LIMIT, Monitor } from './monitor';
import { openSources } from './openSources';
import { readSources } from './readSources';
import { CommandBus } from './sources/commandBus';
import { JsonlStore } from './sources/jsonlStore';
import { ModelUnloader } from './sources/modelUnloader';
import type { SessionStore } from './sources/sessionStore';

export interface MonitorHostOptions {
  readonly timeZone: string;
  /** Where to keep the series and event log when the configuration names no MONITOR_DATA_DIR; null keeps them in memory. */
  readonly defaultDataDir: string | null;
  readonly memoryOverrides?: MemoryOverrides;
  readonly onProblem?: (message: string) => void;
}

export interface RunningMonitor {
  readonly monitor: Monitor;
  /** For questions beyond the live snapshot: another day's history, a range's figures. */
  readonly store: SessionStore;
  /** Null without a registry: commands travel through Redis. */
  readonly commands: CommandBus | null;
  /** Null when Ollama is off: models are unloaded through it. */
  readonly unloader: ModelUnloader | null;
  /** Stops polling, finishes writing, and closes every connection. */
  close(): Promise<void>;
}

/** The monitor every host runs: connected to the configured sources, keeping its history on disk. */
export function createMonitor(config: MonitorConfig, options: MonitorHostOptions): RunningMonitor {
  const open = openSources(config, {
    timeZone: options.timeZone,
    persistent: true,
    onConnectionError: (source, message) => options.onProblem?.(`${source}: ${message}`),
  });
  const { registry } = open.sources;
  const { subscriber } = open;
  const dataDir = config.dataDir ?? options.defaultDataDir;
  const commands = open.publisher && new CommandBus(open.publisher, config.redisPrefix);
  const { ollama } = open.sources;
  const unloader = ollama && new ModelUnloader(ollama);
  const monitor = new Monitor({
    read: (now) => readSources(open.sources, now),
    subscribe: registry && subscriber ? (handlers) => registry.subscribe(subscriber, handlers) : undefined,
    settings: {
      timeZone: options.timeZone,
      registryMode: config.registryMode,
      alerts: config.alerts,
      reconcile: DEFAULT_RECONCILE_SETTINGS,
      memoryOverrides: options.memoryOverrides,
    },
    pollMs: config.pollMs,
    store:
      dataDir === null
        ? undefined
        : {
            series: new JsonlStore(join(dataDir, 'resource-series.jsonl'), resourceSampleSchema, DEFAULT_SERIES_LIMIT),
            events: new JsonlStore(join(dataDir, EVENT_LOG_FILE), monitorEventSchema, DEFAULT_EVENT_LIMIT),
          },
    onRegistryEvent: (event) => commands?.notice(event),
    onProblem: options.onProblem,
  });
  return {
    monitor,
    store: open.store,
    commands,
    unloader,
    async close() {
      await monitor.stop();
      await open.close();
    },
  };
}
