import { join } from 'node:path';
import { loadConfig, type MonitorConfig } from './config';
import type { MemoryOverrides } from './core/memoryEstimate';
import { createMonitor, type RunningMonitor } from './createMonitor';
import { startDemo, type DemoEnvironment } from './demo/demoEnvironment';

export interface HostMonitorOptions {
  /** Run on the embedded demo instead of the configured ECHO. */
  readonly demo: boolean;
  /** The app's own data folder. */
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeZone: string;
  readonly memoryOverrides?: MemoryOverrides;
  readonly onProblem?: (message: string) => void;
}

export interface HostMonitor {
  readonly running: RunningMonitor;
  /** What it connects to: the configured ECHO's, or the demo's. */
  readonly config: MonitorConfig;
  stop(): Promise<void>;
}

/**
 * The monitor a desktop host runs: against the configured ECHO, or against the
 * demo, whose database and history live in a folder of their own so they never
 * mix with a real ECHO's.
 */
export async function startHostMonitor(options: HostMonitorOptions): Promise<HostMonitor> {
  const demo: DemoEnvironment | null = options.demo ? await startDemo({ dataDir: join(options.dataDir, 'demo'), onProblem: options.onProblem }) : null;
  const config = demo?.config ?? loadConfig(options.env);
  const running = createMonitor(config, {
    timeZone: options.timeZone,
    defaultDataDir: options.demo ? join(options.dataDir, 'demo') : options.dataDir,
    memoryOverrides: options.memoryOverrides,
    onProblem: options.onProblem,
  });
  await running.monitor.start();
  return {
    running,
    config,
    async stop() {
      await running.close();
      await demo?.stop();
    },
  };
}
