import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './output';

/**
 * Where the command line keeps the monitor's resource series and event log
 * when MONITOR_DATA_DIR is not set: `serve` writes there, `export` reads there.
 */
export function stateDir(env: CliIo['env']): string {
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'delegator-monitor');
}
