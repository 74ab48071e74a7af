import type { MonitorConfig } from '../config';
import type { DemoOptions } from './demoEnvironment';

/**
 * Runs `work` against the given configuration, or, when there is none, against
 * a demo started for it and stopped after it.
 */
export async function withConfigOrDemo<T>(
  config: MonitorConfig | null,
  demo: DemoOptions,
  work: (config: MonitorConfig) => Promise<T>,
): Promise<T> {
  if (config !== null) return work(config);
  // Loaded only for the demo: its embedded PostgreSQL and simulator are most of what a command would load.
  const { startDemo } = await import('./demoEnvironment');
  const environment = await startDemo(demo);
  try {
    return await work(environment.config);
  } finally {
    await environment.stop();
  }
}
