import { join } from 'node:path';
import { loadConfig } from '../config';
import type { MonitorTarget } from '../monitor/monitorService';

/**
 * What the desktop app watches: with `--demo`, the demo, whose database and
 * history live in a folder of their own inside the app data so they never mix
 * with a real ECHO's; otherwise the ECHO these variables configure.
 */
export function desktopTarget(
  demo: boolean,
  appDataDir: string,
  env: Readonly<Record<string, string | undefined>>,
): MonitorTarget {
  return demo
    ? { kind: 'demo', dataDir: join(appDataDir, 'demo'), alerts: env.MONITOR_ALERTS }
    : { kind: 'echo', config: loadConfig(env) };
}
