import { homedir } from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import type { CliIo } from './output';

const APP = 'delegator-monitor';

/**
 * Where the command line keeps the monitor's resource series and event log
 * when MONITOR_DATA_DIR is not set: `serve` writes there, `export` reads there.
 * Each platform's place for an application's own lasting files:
 *
 * - macOS: `~/Library/Application Support/delegator-monitor` (env-paths' `data`);
 * - Windows: `%LOCALAPPDATA%\delegator-monitor`, machine-local rather than in
 *   the roaming profile (env-paths' `data` adds a `Data` folder under this one);
 * - elsewhere: `$XDG_STATE_HOME/delegator-monitor`, else `~/.local/state/...`
 *   (XDG's state: kept across restarts, not worth backing up; env-paths' `log`).
 *
 * env-paths 4 reads `process.platform` and `process.env` when called and
 * `os.homedir()` when imported, so none of them can be handed to it. The
 * rules are written out here as env-paths has them (sindresorhus/env-paths,
 * index.js: `LOCALAPPDATA || ~/AppData/Local`, `XDG_STATE_HOME ||
 * ~/.local/state`, an empty variable counting as unset), so the platform, the
 * environment and the home folder can be given. On the Mac it runs on, with
 * the real home folder, env-paths itself answers. The given environment wins
 * over the process's, which is what `XDG_STATE_HOME` in tests relies on.
 */
export function stateDir(env: CliIo['env'], platform: NodeJS.Platform = process.platform, home?: string): string {
  switch (platform) {
    case 'darwin':
      if (platform === process.platform && home === undefined) return envPaths(APP, { suffix: '' }).data;
      return path.posix.join(home ?? homedir(), 'Library', 'Application Support', APP);
    case 'win32':
      return path.win32.join(env.LOCALAPPDATA || path.win32.join(home ?? homedir(), 'AppData', 'Local'), APP);
    default:
      return path.posix.join(env.XDG_STATE_HOME || path.posix.join(home ?? homedir(), '.local', 'state'), APP);
  }
}
